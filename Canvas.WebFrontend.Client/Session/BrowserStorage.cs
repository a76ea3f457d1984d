using System.Globalization;
using System.Text.Json;
using Canvas.WebFrontend.Client.Api;
using Microsoft.JSInterop;

namespace Canvas.WebFrontend.Client.Session;

/// <summary><see cref="IBrowserStorage"/> over <c>localStorage</c> and <c>wwwroot/js/canvas.js</c>.</summary>
/// <param name="js">The JS runtime.</param>
public sealed class BrowserStorage(IJSRuntime js) : IBrowserStorage
{
    private const string KeyPrefix = "canvas.inflight.";
    private const string DeletePrefix = "canvas.delete.";

    /// <inheritdoc/>
    public ValueTask SetInFlightAsync(InFlightAnswer answer) =>
        js.InvokeVoidAsync("localStorage.setItem", KeyPrefix + answer.ConversationId,
            JsonSerializer.Serialize(answer, ClientJsonContext.Default.InFlightAnswer));

    /// <inheritdoc/>
    public ValueTask RemoveInFlightAsync(string conversationId) =>
        js.InvokeVoidAsync("localStorage.removeItem", KeyPrefix + conversationId);

    /// <inheritdoc/>
    public ValueTask SetPendingDeleteAsync(string conversationId, DateTimeOffset until) =>
        js.InvokeVoidAsync("localStorage.setItem", DeletePrefix + conversationId, until.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    /// <inheritdoc/>
    public ValueTask RemovePendingDeleteAsync(string conversationId) =>
        js.InvokeVoidAsync("localStorage.removeItem", DeletePrefix + conversationId);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyDictionary<string, DateTimeOffset>> GetPendingDeletesAsync()
    {
        var json = await js.InvokeAsync<string>("canvasBrowser.entries", DeletePrefix);
        var entries = JsonSerializer.Deserialize(json, ClientJsonContext.Default.DictionaryStringString) ?? [];
        return entries
            .Where(entry => long.TryParse(entry.Value, CultureInfo.InvariantCulture, out _))
            .ToDictionary(entry => entry.Key, entry => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(entry.Value, CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc/>
    public async ValueTask<IAsyncDisposable> SubscribeAsync(Func<InFlightAnswer, Task> onInFlight, Func<Task> onVisible)
    {
        var listener = new Listener(onInFlight, onVisible);
        var reference = DotNetObjectReference.Create(listener);
        var handle = await js.InvokeAsync<IJSObjectReference>("canvasBrowser.subscribe", reference, KeyPrefix);
        return new Subscription(handle, reference);
    }

    private static InFlightAnswer? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, ClientJsonContext.Default.InFlightAnswer);
        }
        catch (JsonException)
        {
            // Written by another version of the app: not worth failing the page for.
            return null;
        }
    }

    /// <summary>Receives the page events; public for JS interop only.</summary>
    public sealed class Listener(Func<InFlightAnswer, Task> onInFlight, Func<Task> onVisible)
    {
        /// <summary>Called by JS when another tab writes an in-flight entry.</summary>
        [JSInvokable]
        public Task InFlightChanged(string json) => Parse(json) is { } answer ? onInFlight(answer) : Task.CompletedTask;

        /// <summary>Called by JS when the tab becomes visible.</summary>
        [JSInvokable]
        public Task BecameVisible() => onVisible();
    }

    private sealed class Subscription(IJSObjectReference handle, DotNetObjectReference<Listener> reference) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await handle.InvokeVoidAsync("dispose");
                await handle.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The page is gone, and its listeners with it.
            }

            reference.Dispose();
        }
    }
}
