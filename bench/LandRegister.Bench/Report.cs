using System.Globalization;
using System.Text;

namespace LandRegister.Bench;

/// <summary>Collects the figures of one run and writes them to bench/results/latest.md.</summary>
sealed class Report(string directory)
{
    readonly StringBuilder text = new();

    public void Section(string title, string body)
    {
        text.AppendLine($"## {title}").AppendLine().AppendLine(body.TrimEnd()).AppendLine();
        Console.WriteLine($"## {title}\n{body}");
    }

    public void Write()
    {
        Directory.CreateDirectory(directory);
        var header = new StringBuilder()
            .AppendLine("# LandRegister benchmarks")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}.")
            .AppendLine("Produced by `make bench`; every ratio compares two things measured in this same run.")
            .AppendLine();
        var path = Path.Combine(directory, "latest.md");
        File.WriteAllText(path, header.ToString() + text);
        Console.WriteLine($"written to {path}");
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
