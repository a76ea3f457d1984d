using System.Globalization;
using System.Text;

namespace Canvas.Benchmarks.Report;

/// <summary>
/// Draws the harness results as one SVG: per-token p99 latency and TTFT p95 against C, one line per peer, both on a
/// log scale (the peers differ by orders of magnitude).
/// </summary>
internal static class LatencyChart
{
    private const int PanelWidth = 460;
    private const int PanelHeight = 300;
    private const int Margin = 56;
    private static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public static string Render(IReadOnlyList<HarnessCell> cells, string title)
    {
        var peers = cells.Select(cell => cell.Peer).Distinct().ToList();
        var levels = cells.Select(cell => cell.C).Distinct().Order().ToList();
        var width = 2 * PanelWidth + 3 * Margin;
        var height = PanelHeight + 2 * Margin + 22 * ((peers.Count + 2) / 3);
        var svg = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">""")
            .Append(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/><text x="{Margin}" y="20" font-size="14" font-weight="bold">{Escape(title)}</text>""");
        Panel(svg, Margin, "per-token latency p99, ms", cells, peers, levels, cell => cell.LatencyP99Ms);
        Panel(svg, 2 * Margin + PanelWidth, "time to first token p95, ms", cells, peers, levels, cell => cell.TtftP95Ms);
        for (var i = 0; i < peers.Count; i++)
        {
            var x = Margin + i % 3 * 300;
            var y = PanelHeight + 2 * Margin + 22 * (i / 3);
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{x}" y1="{y - 4}" x2="{x + 24}" y2="{y - 4}" stroke="{Colors[i % Colors.Length]}" stroke-width="3"/><text x="{x + 30}" y="{y}">{Escape(peers[i])}</text>""");
        }

        return svg.Append("</svg>").ToString();
    }

    private static void Panel(StringBuilder svg, int left, string label, IReadOnlyList<HarnessCell> cells, List<string> peers, List<int> levels, Func<HarnessCell, double> value)
    {
        const int top = 40;
        var values = cells.Select(value).Where(v => v > 0).ToList();
        var low = Math.Floor(Math.Log10(values.DefaultIfEmpty(1).Min()));
        var high = Math.Ceiling(Math.Log10(values.DefaultIfEmpty(10).Max()));
        high = Math.Max(high, low + 1);
        double X(int c) => left + (levels.Count == 1 ? PanelWidth / 2.0 : levels.IndexOf(c) * PanelWidth / (double)(levels.Count - 1));
        double Y(double v) => top + PanelHeight - (Math.Log10(Math.Max(v, Math.Pow(10, low))) - low) / (high - low) * PanelHeight;

        svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{left}" y="{top}" width="{PanelWidth}" height="{PanelHeight}" fill="none" stroke="#999"/>""")
            .Append(CultureInfo.InvariantCulture, $"""<text x="{left}" y="{top - 6}">{Escape(label)} (log scale) against C</text>""");
        for (var decade = low; decade <= high; decade++)
        {
            var y = Y(Math.Pow(10, decade));
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{left}" y1="{y:0.0}" x2="{left + PanelWidth}" y2="{y:0.0}" stroke="#eee"/><text x="{left - 6}" y="{y + 4:0.0}" text-anchor="end">{Math.Pow(10, decade).ToString("G", CultureInfo.InvariantCulture)}</text>""");
        }

        foreach (var c in levels)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{X(c):0.0}" y="{top + PanelHeight + 16}" text-anchor="middle">{c}</text>""");
        }

        for (var i = 0; i < peers.Count; i++)
        {
            var points = cells.Where(cell => cell.Peer == peers[i]).OrderBy(cell => cell.C)
                .Select(cell => string.Create(CultureInfo.InvariantCulture, $"{X(cell.C):0.0},{Y(value(cell)):0.0}")).ToList();
            var color = Colors[i % Colors.Length];
            svg.Append(CultureInfo.InvariantCulture, $"""<polyline points="{string.Join(' ', points)}" fill="none" stroke="{color}" stroke-width="2"/>""");
            foreach (var point in points)
            {
                var xy = point.Split(',');
                svg.Append(CultureInfo.InvariantCulture, $"""<circle cx="{xy[0]}" cy="{xy[1]}" r="3" fill="{color}"/>""");
            }
        }
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
