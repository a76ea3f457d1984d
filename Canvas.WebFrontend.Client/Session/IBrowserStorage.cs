namespace Canvas.WebFrontend.Client.Session;

/// <summary>The browser's localStorage and the page events the chat needs, behind an interface for tests.</summary>
public interface IBrowserStorage
{
    /// <summary>Announces an in-flight answer to the other tabs (they see it through the <c>storage</c> event).</summary>
    ValueTask SetInFlightAsync(InFlightAnswer answer);

    /// <summary>Forgets a conversation's in-flight answer.</summary>
    ValueTask RemoveInFlightAsync(string conversationId);

    /// <summary>Records that a conversation is to be deleted at <paramref name="until"/> unless the user undoes it.</summary>
    ValueTask SetPendingDeleteAsync(string conversationId, DateTimeOffset until);

    /// <summary>Forgets a pending deletion: carried out, or undone.</summary>
    ValueTask RemovePendingDeleteAsync(string conversationId);

    /// <summary>Gets the pending deletions of this browser (any tab, any earlier page) with when each is due.</summary>
    ValueTask<IReadOnlyDictionary<string, DateTimeOffset>> GetPendingDeletesAsync();

    /// <summary>
    /// Calls <paramref name="onInFlight"/> when another tab records an in-flight answer and
    /// <paramref name="onVisible"/> when this tab becomes visible again; dispose the result to stop.
    /// </summary>
    ValueTask<IAsyncDisposable> SubscribeAsync(Func<InFlightAnswer, Task> onInFlight, Func<Task> onVisible);
}
