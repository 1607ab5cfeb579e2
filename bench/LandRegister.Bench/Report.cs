using System.Globalization;
using System.Text;

namespace LandRegister.Bench;

/// <summary>
/// Collects the figures of one run into bench/results/latest.md. Sections measured in this run replace those of
/// the same title; the others (from a run of other benchmarks, <c>--only</c>) are kept, each with its date.
/// </summary>
sealed class Report(string directory)
{
    readonly List<(string Title, string Body)> sections = [];

    public void Section(string title, string body)
    {
        var dated = $"_Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC._\n\n{body.TrimEnd()}";
        sections.Add((title, dated));
        Console.WriteLine($"## {title}\n{body}");
    }

    public void Write()
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "latest.md");
        var kept = File.Exists(path) ? Parse(File.ReadAllText(path)) : [];
        foreach (var (title, body) in sections)
        {
            var at = kept.FindIndex(s => s.Title == title);
            if (at >= 0) kept[at] = (title, body);
            else kept.Add((title, body));
        }
        var text = new StringBuilder()
            .AppendLine("# LandRegister benchmarks")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"On {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}.")
            .AppendLine("Produced by `make bench`; every ratio compares two things measured in the same run.")
            .AppendLine();
        foreach (var (title, body) in kept) text.AppendLine($"## {title}").AppendLine().AppendLine(body.TrimEnd()).AppendLine();
        File.WriteAllText(path, text.ToString());
        Console.WriteLine($"written to {path}");
    }

    static List<(string Title, string Body)> Parse(string markdown)
    {
        var parts = markdown.Split("\n## ");
        return parts.Skip(1).Select(p =>
        {
            var newline = p.IndexOf('\n');
            return (p[..newline].Trim(), p[(newline + 1)..].Trim());
        }).ToList();
    }
}

static class Stats
{
    public static double Median(IReadOnlyList<double> values) => Percentile(values, 0.5);

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static string Ms(double ms) => ms.ToString(ms < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";

    public static string Ratio(double r) => r.ToString("0.00", CultureInfo.InvariantCulture) + "×";
}
