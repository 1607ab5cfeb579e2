
namespace LandRegister.Bench;

/// <summary>The API as the benchmarks run it: the Release build, quiet, server GC, no rate limit, its output echoed.</summary>
static class BenchApi
{
    public const string AdminKey = "bench-admin-key-0123456789abcdef";

    /// <param name="shippedLimits">Keep the rate limits the register ships with, as a client meets them.</param>
    public static Task<ApiProcess> StartAsync(string connectionString, BenchOptions options, int port, IReadOnlyDictionary<string, string>? settings = null,
        bool shippedLimits = false)
    {
        var dll = Path.Combine(options.RepoRoot, "src", "LandRegister.Api", "bin", "Release", "net10.0", "LandRegister.Api.dll");
        var all = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Warning", ["DOTNET_gcServer"] = "1",
            ["RateLimit:Burst"] = "1000000", ["RateLimit:PerSecond"] = "1000000",
            ["RateLimit:AddressBurst"] = "1000000", ["RateLimit:AddressPerSecond"] = "1000000",
        };
        if (shippedLimits) foreach (var key in all.Keys.Where(k => k.StartsWith("RateLimit:", StringComparison.Ordinal)).ToList()) all.Remove(key);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        return ApiProcess.StartAsync(dll, connectionString, AdminKey, all, port, echo: true);
    }
}
