using StackExchange.Redis;

namespace Canvas.ChatApi.Backplane;

/// <summary>
/// The one answer to "may this Redis failure go away if the command is sent again?", for every path that retries
/// (appends, the stored answer) or answers a request with a retryable <c>server_busy</c> instead of a 500.
/// </summary>
/// <remarks>
/// Transient: the connection failed or timed out, or the server said it cannot serve the key for now: <c>LOADING</c>
/// (a restarted node reading its data), and a Redis Cluster's <c>CLUSTERDOWN</c>, <c>TRYAGAIN</c>,
/// <c>MASTERDOWN</c>, or a <c>MOVED</c>/<c>ASK</c> the client could not follow, which it answers for seconds after a
/// restarted node is back, while the cluster agrees on its map again. A transaction whose commands were refused that
/// way as they were queued ends with <c>EXECABORT</c> instead (our transactions are fixed commands on one slot, so the
/// refusal is the cluster's, not the command's). Any other server error (a wrong type, a script error) is a bug that
/// sending again would only repeat.
/// </remarks>
public static class TransientRedis
{
    private static readonly string[] TransientServerErrors = ["LOADING", "CLUSTERDOWN", "TRYAGAIN", "MASTERDOWN", "MOVED", "ASK", "EXECABORT"];

    /// <summary>Whether a failed command may succeed when sent again, or a refused request when asked again.</summary>
    /// <param name="exception">What the command or request failed with.</param>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RedisConnectionException or TimeoutException => true,
        RedisServerException server => TransientServerErrors.Any(prefix => IsErrorOf(server.Message, prefix)),
        _ => false,
    };

    private static bool IsErrorOf(string message, string prefix) =>
        message.StartsWith(prefix, StringComparison.Ordinal)
        && (message.Length == prefix.Length || message[prefix.Length] == ' ');
}
