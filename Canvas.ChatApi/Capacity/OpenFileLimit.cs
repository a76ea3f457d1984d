namespace Canvas.ChatApi.Capacity;

/// <summary>The process's limit on open file descriptors (<c>RLIMIT_NOFILE</c>), where Linux publishes it.</summary>
/// <remarks>
/// Read from <c>/proc/self/limits</c> rather than through <c>getrlimit</c>: no native interop, whose resource number
/// and <c>rlim_t</c> width differ between Linux architectures, and the text is the process's own effective limit,
/// after the .NET runtime raised the soft limit to the hard one at start (what <c>ulimit -n</c> in the launching
/// shell may not show). Elsewhere there is no such file, and no cap is derived.
/// </remarks>
internal static class OpenFileLimit
{
    private const string LimitsFile = "/proc/self/limits";
    private const string OpenFilesRow = "Max open files";

    /// <summary>Reads the soft limit; null where there is none or it cannot be read.</summary>
    public static long? Read()
    {
        try
        {
            return File.Exists(LimitsFile) ? Parse(File.ReadLines(LimitsFile)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Reads the soft limit from the lines of a <c>/proc/&lt;pid&gt;/limits</c> file; null when unlimited or absent.</summary>
    public static long? Parse(IEnumerable<string> lines)
    {
        // "Max open files            20000                20000                files     ": soft, hard, unit.
        foreach (var line in lines)
        {
            if (line.StartsWith(OpenFilesRow, StringComparison.Ordinal))
            {
                var values = line[OpenFilesRow.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return values.Length > 0 && long.TryParse(values[0], System.Globalization.CultureInfo.InvariantCulture, out var soft) ? soft : null;
            }
        }

        return null;
    }
}
