
namespace LandRegister.Bench;

/// <summary>The API as the benchmarks run it: the Release build, quiet, server GC, no rate limit, its output echoed.</summary>
static class BenchApi
{
    public const string AdminKey = "bench-admin-key-0123456789abcdef";

    public static Task<ApiProcess> StartAsync(string connectionString, BenchOptions options, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(options.RepoRoot, "src", "LandRegister.Api", "bin", "Release", "net10.0", "LandRegister.Api.dll");
        var all = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Warning", ["DOTNET_gcServer"] = "1",
            ["RateLimit:Burst"] = "1000000", ["RateLimit:PerSecond"] = "1000000",
            ["RateLimit:AddressBurst"] = "1000000", ["RateLimit:AddressPerSecond"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        return ApiProcess.StartAsync(dll, connectionString, AdminKey, all, port, echo: true);
    }
}
