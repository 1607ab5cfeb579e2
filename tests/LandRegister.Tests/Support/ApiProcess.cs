using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LandRegister.Tests.Support;

/// <summary>
/// The API in a process of its own, for what an in-process host cannot show: a node killed mid-run, and several
/// nodes of one cluster. Started from the build's LandRegister.Api.dll with the given settings.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    readonly Process process;
    readonly List<string> output = [];

    public HttpClient Client { get; }
    public IReadOnlyList<string> Output { get { lock (output) return output.ToList(); } }

    ApiProcess(Process process, HttpClient client)
    {
        this.process = process;
        Client = client;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static async Task<ApiProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "LandRegister.Api.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Register"] = connectionString,
                ["LANDREGISTER_ADMIN_KEY"] = RegisterApp.AdminKey,
                ["Logging__LogLevel__Default"] = "Information",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            },
        };
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        ApiProcess? api = null;
        api = new ApiProcess(process, new HttpClient(new Diagnosing(process, () => api!.Output)) { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        api.Client.DefaultRequestHeaders.Add("X-Api-Key", RegisterApp.AdminKey);
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(200))
        {
            if (api.process.HasExited) throw new InvalidOperationException($"The API exited: {string.Join("\n", api.Output)}");
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
        throw new TimeoutException("The API did not become ready in 60 s.");
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
