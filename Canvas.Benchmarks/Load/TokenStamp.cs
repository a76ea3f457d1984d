using System.Globalization;

namespace Canvas.Benchmarks.Load;

/// <summary>
/// Token text that carries the moment the upstream emitted it, <c>t{seq}@{unixMicros} </c> (the bench harness's
/// format), so the client measures each token's latency however Canvas merged tokens into deltas.
/// </summary>
internal static class TokenStamp
{
    /// <summary>Returns token <paramref name="seq"/> stamped with the current time.</summary>
    public static string Now(int seq) => $"t{seq}@{UnixMicros()} ";

    /// <summary>Returns the current wall-clock time in microseconds since the Unix epoch.</summary>
    public static long UnixMicros() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>Adds the emit stamp of every token in <paramref name="text"/> to <paramref name="stamps"/>.</summary>
    public static void Parse(ReadOnlySpan<char> text, List<long> stamps)
    {
        while (text.IndexOf('@') is var at and >= 0)
        {
            text = text[(at + 1)..];
            var end = text.IndexOf(' ');
            var digits = end < 0 ? text : text[..end];
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
            {
                stamps.Add(micros);
            }

            text = end < 0 ? [] : text[end..];
        }
    }
}
