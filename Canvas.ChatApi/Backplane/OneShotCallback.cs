namespace Canvas.ChatApi.Backplane;

/// <summary>
/// A cancel callback that runs at most once and never after its subscription is disposed, however many cancel
/// requests (flag, message, repeated requests) arrive.
/// </summary>
internal sealed class OneShotCallback(Action callback)
{
    private Action? pending = callback;

    /// <summary>Runs the callback unless it already ran or was revoked.</summary>
    public void Invoke() => Interlocked.Exchange(ref pending, null)?.Invoke();

    /// <summary>Gets whether the callback ran or was revoked: nothing it waits for matters any more.</summary>
    public bool IsSettled => Volatile.Read(ref pending) is null;

    /// <summary>Makes sure the callback never runs from now on.</summary>
    public void Revoke() => Volatile.Write(ref pending, null);
}
