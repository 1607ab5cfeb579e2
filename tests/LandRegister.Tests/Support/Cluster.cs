using System.Diagnostics;
using Dapper;
using Npgsql;

namespace LandRegister.Tests.Support;

/// <summary>
/// The test run's PostgreSQL server itself, for the tests that take it down. They belong to the
/// <see cref="DatabaseOutages"/> collection, which runs alone, after every other test.
/// </summary>
public static class Cluster
{
    /// <summary>Restarts the server as <c>pg_ctl restart -m fast</c> does (every connection is cut); returns when it accepts connections again.</summary>
    public static async Task RestartAsync()
    {
        string dataDirectory, version;
        await using (var conn = new NpgsqlConnection(TestDatabase.ConnectionString("postgres")))
        {
            dataDirectory = await conn.ExecuteScalarAsync<string>("SHOW data_directory") ?? throw new InvalidOperationException("no data_directory");
            version = (await conn.ExecuteScalarAsync<string>("SHOW server_version_num"))![..2];
        }
        var pgCtl = $"/usr/lib/postgresql/{version}/bin/pg_ctl";
        // pg_ctl restart reuses the options the server was started with (postmaster.opts). It refuses to run as root. The
        // server it starts writes to the log file beside the data directory (as db/local.sh starts it), not to pg_ctl's
        // output, which would otherwise stay open as long as the server runs.
        string[] command = Environment.UserName == "root" ? ["runuser", "-u", "postgres", "--", pgCtl] : [pgCtl];
        var log = Path.Combine(Path.GetDirectoryName(dataDirectory.TrimEnd('/'))!, "server.log");
        var start = new ProcessStartInfo(command[0], [.. command[1..], "-D", dataDirectory, "-l", log, "-w", "-m", "fast", "restart"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"pg_ctl restart failed ({process.ExitCode}): {output}");
    }
}

/// <summary>Tests that stop or restart the database server: they run alone, after every other test.</summary>
[CollectionDefinition(nameof(DatabaseOutages), DisableParallelization = true)]
public sealed class DatabaseOutages;
