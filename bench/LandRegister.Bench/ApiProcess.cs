using System.Diagnostics;

namespace LandRegister.Bench;

/// <summary>The API as users run it: the Release build in a process of its own, on a real port.</summary>
sealed class ApiProcess : IAsyncDisposable
{
    const string AdminKey = "bench-admin-key-0123456789abcdef";

    readonly Process process;

    public HttpClient Client { get; }

    ApiProcess(Process process, HttpClient client)
    {
        this.process = process;
        Client = client;
    }

    public static async Task<ApiProcess> StartAsync(string connectionString, BenchOptions options, int port,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(options.RepoRoot, "src", "LandRegister.Api", "bin", "Release", "net10.0", "LandRegister.Api.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the API in Release first (make bench does).", dll);
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Register"] = connectionString,
                ["Logging__LogLevel__Default"] = "Warning",
                ["DOTNET_gcServer"] = "1",
                ["LANDREGISTER_ADMIN_KEY"] = AdminKey,
                ["RateLimit__Burst"] = "1000000",
                ["RateLimit__PerSecond"] = "1000000",
            },
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[api] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[api] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(90); await Task.Delay(250))
        {
            if (process.HasExited) throw new InvalidOperationException($"The API exited with code {process.ExitCode}.");
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode) return new ApiProcess(process, client);
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }
        process.Kill(true);
        throw new TimeoutException("The API did not become ready within 90 s.");
    }

    /// <summary>Samples the process's working set every 50 ms until disposed; <see cref="MemorySampler.Peak"/> is the highest seen.</summary>
    public MemorySampler SampleMemory() => new(process);

    public sealed class MemorySampler : IDisposable
    {
        readonly CancellationTokenSource stop = new();
        readonly Task loop;
        long peak;

        public long Peak => Interlocked.Read(ref peak);

        public MemorySampler(Process process)
        {
            loop = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    process.Refresh();
                    var now = process.WorkingSet64;
                    if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
                    try { await Task.Delay(50, stop.Token); } catch (OperationCanceledException) { }
                }
            });
        }

        public void Dispose()
        {
            stop.Cancel();
            loop.Wait();
            stop.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
        {
            process.Kill(true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
