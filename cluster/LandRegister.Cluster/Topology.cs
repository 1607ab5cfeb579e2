using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace LandRegister.Cluster;

/// <summary>
/// The local cluster as cluster/cluster.sh starts it: its ports, its script, its database nodes, and keys for the
/// drill's clients.
/// </summary>
public sealed class Topology(string resultsDirectory)
{
    public static readonly string Root = FindRoot();

    public const string Balancer = "http://127.0.0.1:5090";
    public static readonly int[] NodePorts = [25441, 25442];
    public const string DemoZone = "LSKFQ";

    public string ResultsDirectory { get; } = resultsDirectory;

    public string AdminKey { get; } = Environment.GetEnvironmentVariable("ADMIN_KEY") is { Length: > 0 } key ? key : "cluster-admin-key-change-me";

    /// <summary>The schema owner on whichever node is primary (as the API's own connection string finds it).</summary>
    public static string PrimaryDb =>
        $"Host={string.Join(",", NodePorts.Select(p => $"127.0.0.1:{p}"))};Username=postgres;Database=landregister;Target Session Attributes=primary;Host Recheck Seconds=1;Timeout=5;Pooling=false";

    /// <summary>The register's application role on both nodes, as the cluster's API instances connect.</summary>
    public static string RegisterDb =>
        $"Host={string.Join(",", NodePorts.Select(p => $"127.0.0.1:{p}"))};Username=landregister_app;Database=landregister;Maximum Pool Size=40;Host Recheck Seconds=1;Timeout=5";

    /// <summary>The schema's owner on both nodes, as the cluster's API instances migrate.</summary>
    public static string OwnerDb =>
        $"Host={string.Join(",", NodePorts.Select(p => $"127.0.0.1:{p}"))};Username=postgres;Database=landregister;Maximum Pool Size=5;Host Recheck Seconds=1;Timeout=5";

    public static string NodeDb(int port) => $"Host=127.0.0.1;Port={port};Username=postgres;Database=landregister;Pooling=false;Timeout=3";

    public HttpClient Client(string key, string? address = null, TimeSpan? timeout = null)
    {
        // No cookies: a client presents a consistency token only where the drill sends one (a browser would send the cookie).
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false })
        {
            BaseAddress = new Uri(address ?? Balancer), Timeout = timeout ?? TimeSpan.FromSeconds(20),
        };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Runs cluster/cluster.sh with <paramref name="args"/>; returns what it printed, or throws with its errors.</summary>
    public static async Task<string> ScriptAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(Root, "cluster", "cluster.sh"), args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', args)} exited with {process.ExitCode}: {await errors}");
        return (await output).Trim();
    }

    /// <summary>The port of the node in recovery (the standby), or null when none answers as one.</summary>
    public static async Task<int?> StandbyPortAsync()
    {
        foreach (var port in NodePorts)
        {
            try
            {
                await using var conn = new NpgsqlConnection(NodeDb(port));
                await conn.OpenAsync();
                await using var ask = new NpgsqlCommand("SELECT pg_is_in_recovery()", conn);
                if ((bool)(await ask.ExecuteScalarAsync())!) return port;
            }
            catch (NpgsqlException)
            {
                // a node down is not the standby
            }
        }
        return null;
    }

    /// <summary>Runs <paramref name="sql"/> on the node at <paramref name="port"/>, each statement on its own.</summary>
    public static async Task ExecuteOnAsync(int port, params string[] sql)
    {
        await using var conn = new NpgsqlConnection(NodeDb(port));
        await conn.OpenAsync();
        foreach (var statement in sql)
        {
            await using var command = new NpgsqlCommand(statement, conn);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Creates a key of <paramref name="role"/> for the demo zone (each client of the drill has its own allowance).</summary>
    public async Task<string> CreateKeyAsync(string role, string name)
    {
        using var admin = Client(AdminKey);
        var response = await admin.PostAsJsonAsync("/api/keys", new { name, role, zones = new[] { DemoZone } });
        response.EnsureSuccessStatusCode();
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["key"]!;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LandRegister.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run from within the repository (LandRegister.sln not found above the program).");
    }
}
