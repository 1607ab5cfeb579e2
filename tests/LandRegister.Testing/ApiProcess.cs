using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LandRegister.Testing;

/// <summary>
/// The API as users run it: a build's LandRegister.Api.dll in a process of its own, on a real port. Tests use it for what
/// an in-process host cannot show (a node killed mid-run, several nodes of one cluster, a refused start); benchmarks to
/// measure the API from outside, with its memory.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    readonly Process process;
    readonly List<string> output = [];

    public HttpClient Client { get; }

    /// <summary>Everything the process has written so far.</summary>
    public IReadOnlyList<string> Output { get { lock (output) return output.ToList(); } }

    ApiProcess(Process process, Uri address, string adminKey, bool echo)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data, echo);
        process.ErrorDataReceived += (_, e) => Keep(e.Data, echo);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Client = new HttpClient(new Diagnosing(process, () => Output)) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
    }

    void Keep(string? line, bool echo)
    {
        if (line is null) return;
        lock (output) output.Add(line);
        if (echo) Console.Error.WriteLine($"[api] {line}");
    }

    /// <summary>
    /// Starts <paramref name="dll"/> on <paramref name="connectionString"/> with an admin key and the given settings (keys as
    /// in configuration, <c>Jobs:Workers</c>), and waits until <c>/readyz</c> answers 200. Throws, with the process's last
    /// lines, when it exits or is not ready in 90 s.
    /// </summary>
    public static async Task<ApiProcess> StartAsync(string dll, string connectionString, string adminKey,
        IReadOnlyDictionary<string, string>? settings = null, int? port = null, bool echo = false)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the API first.", dll);
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", address.ToString().TrimEnd('/')])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Register"] = connectionString,
                ["LANDREGISTER_ADMIN_KEY"] = adminKey,
                ["Logging__LogLevel__Default"] = "Information",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            },
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key.Replace(":", "__")] = value;
        var api = new ApiProcess(Process.Start(start)!, address, adminKey, echo);
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(90); await Task.Delay(200))
        {
            if (api.process.HasExited)
            {
                await api.process.WaitForExitAsync(); // the last lines are read
                throw new InvalidOperationException($"The API exited with code {api.process.ExitCode}:\n{string.Join("\n", api.Output.TakeLast(60))}");
            }
            try
            {
                if ((await api.Client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) return api;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }
        await api.DisposeAsync();
        throw new TimeoutException("The API did not become ready in 90 s.");
    }

    /// <summary>Adds to a refused request what became of the process: whether it exited, and its last lines.</summary>
    sealed class Diagnosing(Process process, Func<IReadOnlyList<string>> output) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            try
            {
                return await base.SendAsync(request, ct);
            }
            catch (HttpRequestException e) when (process.HasExited || request.RequestUri?.AbsolutePath != "/readyz")
            {
                var state = process.HasExited ? $"exited with code {process.ExitCode}" : "running";
                throw new HttpRequestException($"{e.Message}; the API process is {state}; its last lines:\n{string.Join("\n", output().TakeLast(40))}", e);
            }
        }
    }

    /// <summary>Ends the process at once, as a crash or kill -9 would: no shutdown, no cleanup.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>The processor time the process has used so far, user and system, all its threads.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
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

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
