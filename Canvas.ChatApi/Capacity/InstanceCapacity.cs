using Canvas.ChatApi.Apis;
using Microsoft.Extensions.Options;

namespace Canvas.ChatApi.Capacity;

/// <summary>
/// How many answers and client connections this instance can carry before it runs out of file descriptors, and what
/// it carries now. Every running answer holds its provider's socket and its client's connection, every follower a
/// connection: a start or a new stream past what the open-file limit leaves is refused at once with 503
/// <c>server_busy</c> (<see cref="Refusal"/>), instead of accepting it and failing it mid-answer when a socket cannot
/// be opened.
/// </summary>
/// <remarks>
/// Descriptors in use are counted as this instance's client connections (every connection Kestrel accepted, idle
/// keep-alive ones too: <see cref="OpenConnection"/>) plus its running answers (one provider socket each). The
/// providers' idle pooled connections are not counted: a new answer takes one of them before it opens another, and
/// <see cref="ChatLimitsOptions.ReservedFileDescriptors"/> keeps room for them and for the process's own files.
/// </remarks>
public sealed class InstanceCapacity
{
    /// <summary>When a refused client should try again: answers end all the time.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private int _answers;
    private int _connections;

    /// <summary>Creates the capacity of this process from its open-file limit and <c>Canvas:Limits</c>.</summary>
    public InstanceCapacity(IOptions<ChatLimitsOptions> limits)
        : this(limits.Value, Capacity.OpenFileLimit.Read())
    {
    }

    /// <summary>Creates the capacity a process with <paramref name="openFileLimit"/> has.</summary>
    /// <param name="limits">The configured limits.</param>
    /// <param name="openFileLimit">The process's open-file limit; null when there is none.</param>
    public InstanceCapacity(ChatLimitsOptions limits, long? openFileLimit)
    {
        ArgumentNullException.ThrowIfNull(limits);
        OpenFileLimit = openFileLimit;
        Descriptors = openFileLimit is { } limit ? (int)Math.Clamp(limit - limits.ReservedFileDescriptors, 0, int.MaxValue) : null;
        AnswersFromDescriptors = Descriptors / 2;
        MaxAnswers = limits.MaxConcurrentAnswers ?? AnswersFromDescriptors;
        IsConfigured = limits.MaxConcurrentAnswers is not null;
    }

    /// <summary>Gets the process's open-file limit; null when there is none (no cap is derived).</summary>
    public long? OpenFileLimit { get; }

    /// <summary>Gets the descriptors left for client connections and provider sockets; null without a limit.</summary>
    public int? Descriptors { get; }

    /// <summary>Gets how many answers the descriptors carry when each answer's client has a connection of its own.</summary>
    public int? AnswersFromDescriptors { get; }

    /// <summary>Gets the most answers this instance runs at once; null when nothing caps them.</summary>
    public int? MaxAnswers { get; }

    /// <summary>Gets a value indicating whether <see cref="MaxAnswers"/> is <see cref="ChatLimitsOptions.MaxConcurrentAnswers"/>.</summary>
    public bool IsConfigured { get; }

    /// <summary>Gets the answers running on this instance.</summary>
    public int Answers => Volatile.Read(ref _answers);

    /// <summary>Gets the client connections open to this instance.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Gets a value indicating whether one more stream fits: the connection it came on is already counted.</summary>
    public bool HasRoomForStream => Descriptors is not { } descriptors || Connections + Answers <= descriptors;

    /// <summary>Gets what a start or a stream that does not fit is told, the same as any other busy answer.</summary>
    public static ChatRequestError Refusal => ChatRequestError.Busy(RetryAfter);

    /// <summary>
    /// Takes a place for one more answer, whose client's connection is already counted; null when the instance is
    /// full. Disposing the slot (or what <see cref="AnswerSlot.HandOver"/> returns) gives the place back.
    /// </summary>
    public AnswerSlot? TryTakeAnswer()
    {
        var answers = Interlocked.Increment(ref _answers);
        if (answers > MaxAnswers || (Descriptors is { } descriptors && answers + Connections > descriptors))
        {
            Interlocked.Decrement(ref _answers);
            return null;
        }

        return new AnswerSlot(this);
    }

    /// <summary>Counts a client connection until the result is disposed.</summary>
    public IDisposable OpenConnection()
    {
        Interlocked.Increment(ref _connections);
        return new ConnectionCount(this);
    }

    internal void ReleaseAnswer() => Interlocked.Decrement(ref _answers);

    private sealed class ConnectionCount(InstanceCapacity capacity) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref capacity._connections);
            }
        }
    }
}
