using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace LandRegister.Cluster;

/// <summary>
/// The failover drill (<c>make failover-drill</c>), on the local cluster through nginx:
/// <list type="number">
/// <item>read your writes: 1,000 times a write, then at once a read with the write's consistency token, against a
/// standby that applies the WAL late on purpose (<c>recovery_min_apply_delay</c>): never an older version;</item>
/// <item>failover: a steady, bounded mixed load (writers creating parcels, readers of lists, parcels and tiles, each
/// client with a key of its own); an evaluation run in flight; the primary killed with -9 (PostgreSQL and its
/// pg_autoctl). The standby is promoted and the API answers writes again without a restart; every write acknowledged
/// (2xx) is then on the new primary; nothing answered 500; the run finishes, once. The killed node then rejoins as a
/// standby.</item>
/// </list>
/// The last line printed is <c>acknowledged writes lost: N, 500s: M, seconds without writes: S</c>; the exit code is 0
/// only when every check holds.
/// </summary>
public static class FailoverDrill
{
    const int ReadYourWritesRounds = 1000, Writers = 4, Readers = 4;
    static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50), LoadBeforeKill = TimeSpan.FromSeconds(6),
        LoadAfterRecovery = TimeSpan.FromSeconds(8), MostAfterKill = TimeSpan.FromSeconds(75);

    public static async Task<int> RunAsync(Topology topology)
    {
        var report = new List<string>();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.Add(line);
        }

        await Topology.ScriptAsync("wait-healthy", "180");
        var failures = new List<string>();

        var consistency = await ReadYourWritesAsync(topology);
        Say($"read your writes: {consistency.Rounds} writes each read at once with its token through nginx, standby applying WAL {consistency.DelayMs} ms late: " +
            $"{consistency.Older} older versions read; {consistency.FromStandby} reads answered by the standby, {consistency.FromPrimary} by the primary; " +
            $"without the token {consistency.StaleWithout} of {consistency.Rounds} immediate reads were older (the delay at work)");
        if (consistency.Older > 0) failures.Add($"{consistency.Older} reads with a token saw an older version");
        if (consistency.FromStandby == 0) failures.Add("no read with a token was answered by the standby");

        var drill = await FailoverAsync(topology);
        Say($"failover: {drill.Requests} requests by {Writers} writers and {Readers} readers (one key each, a request every {Pace.TotalMilliseconds:F0} ms), " +
            $"answers {drill.Statuses}; unanswered {drill.Unanswered}; killed {drill.Killed} (kill -9 of PostgreSQL and its pg_autoctl) at {drill.KilledAt:F1} s; " +
            $"first write acknowledged {drill.FirstWriteAfterKill:F1} s after the kill; {drill.Acknowledged} acknowledged writes, {drill.Lost} not on the new primary");
        Say($"the run in flight: {drill.Run}");
        Say($"the killed node rejoined as a standby {drill.RejoinedAfter:F1} s after it was started again");
        if (drill.Lost > 0) failures.Add($"{drill.Lost} acknowledged writes lost");
        if (drill.Errors > 0) failures.Add($"{drill.Errors} answers 500 (or another 5xx than 503)");
        if (drill.Other > 0) failures.Add($"{drill.Other} answers neither 2xx nor 503");
        if (drill.FirstWriteAfterKill is not < 30) failures.Add($"no write acknowledged within 30 s of the kill");
        if (!drill.RunFinishedOnce) failures.Add("the run in flight did not finish exactly once");
        foreach (var failure in failures) Say($"FAILED: {failure}");
        Say($"acknowledged writes lost: {drill.Lost}, 500s: {drill.Errors}, seconds without writes: {drill.LongestWithoutWrites:F1}");

        Directory.CreateDirectory(topology.ResultsDirectory);
        await File.WriteAllLinesAsync(Path.Combine(topology.ResultsDirectory, "failover-drill.txt"),
            [$"# make failover-drill, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC", .. report]);
        return failures.Count == 0 ? 0 : 1;
    }

    sealed record Consistency(int Rounds, int DelayMs, int Older, int FromStandby, int FromPrimary, int StaleWithout);

    static async Task<Consistency> ReadYourWritesAsync(Topology topology)
    {
        const int delayMs = 150;
        var standby = await Topology.StandbyPortAsync() ?? throw new InvalidOperationException("no standby to read from");
        await Topology.ExecuteOnAsync(standby, $"ALTER SYSTEM SET recovery_min_apply_delay = '{delayMs}ms'", "SELECT pg_reload_conf()");
        try
        {
            using var client = topology.Client(await topology.CreateKeyAsync("planner", $"drill-consistency-{Guid.NewGuid():N}"));
            long id;
            string etag;
            await using (var conn = new NpgsqlConnection(Topology.PrimaryDb))
            {
                await conn.OpenAsync();
                await using var pick = new NpgsqlCommand(
                    "SELECT id, version FROM parcel WHERE zone_code = @zone AND retired_at IS NULL ORDER BY id LIMIT 1", conn);
                pick.Parameters.AddWithValue("zone", Topology.DemoZone);
                await using var reader = await pick.ExecuteReaderAsync();
                await reader.ReadAsync();
                (id, etag) = (reader.GetInt64(0), $"\"{reader.GetInt64(1)}\"");
            }
            int older = 0, fromStandby = 0, fromPrimary = 0, staleWithout = 0;
            for (var round = 0; round < ReadYourWritesRounds; round++)
            {
                var name = $"read your writes {round}";
                using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/parcels/{id}")
                {
                    Content = new StringContent(new JsonObject { ["properties"] = new JsonObject { ["name"] = name } }.ToJsonString(),
                        Encoding.UTF8, "application/merge-patch+json"),
                };
                patch.Headers.TryAddWithoutValidation("If-Match", etag);
                using var written = await client.SendAsync(patch);
                if (written.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"round {round}: the write answered {(int)written.StatusCode}: {await written.Content.ReadAsStringAsync()}");
                etag = written.Headers.ETag!.ToString();
                var token = written.Headers.GetValues("LandRegister-Lsn").Single();

                // Without the token a read may come from the standby that has not applied the write yet.
                using (var plain = await client.GetAsync($"/api/parcels/{id}"))
                    if (NameOf(await plain.Content.ReadAsStringAsync()) != name) staleWithout++;
                // Now and then the standby is given time to apply it, so reads with a token are answered there too.
                if (round % 25 == 24) await Task.Delay(delayMs + 450);
                using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/parcels/{id}");
                read.Headers.Add("LandRegister-Lsn", token);
                using var answer = await client.SendAsync(read);
                if (answer.StatusCode != HttpStatusCode.OK || NameOf(await answer.Content.ReadAsStringAsync()) != name
                    || answer.Headers.ETag?.ToString() != etag) older++;
                if (answer.Headers.TryGetValues("LandRegister-Read-From", out var from) && from.Single() == "standby") fromStandby++;
                else fromPrimary++;
            }
            return new Consistency(ReadYourWritesRounds, delayMs, older, fromStandby, fromPrimary, staleWithout);
        }
        finally
        {
            await Topology.ExecuteOnAsync(standby, "ALTER SYSTEM RESET recovery_min_apply_delay", "SELECT pg_reload_conf()");
        }
    }

    static string? NameOf(string feature) => (string?)JsonNode.Parse(feature)?["properties"]?["name"];

    sealed record Answer(int Status, TimeSpan Sent, TimeSpan At, bool Write);

    sealed record Drill(int Requests, string Statuses, int Unanswered, string Killed, double KilledAt, double? FirstWriteAfterKill,
        int Acknowledged, long Lost, int Errors, int Other, double LongestWithoutWrites, string Run, bool RunFinishedOnce, double RejoinedAfter);

    static async Task<Drill> FailoverAsync(Topology topology)
    {
        var keys = new List<string>();
        for (var i = 0; i < Writers + Readers; i++) keys.Add(await topology.CreateKeyAsync("planner", $"drill-{Guid.NewGuid():N}"));
        var clients = keys.Select(k => topology.Client(k, timeout: TimeSpan.FromSeconds(15))).ToArray();
        using var admin = topology.Client(topology.AdminKey);
        var tiles = TilesOfDemo(16).ToArray();
        var ids = await ParcelIdsAsync(clients[0]);
        var origin = await FreeOriginAsync(admin);

        var answers = new ConcurrentBag<Answer>();
        var acknowledged = new ConcurrentBag<string>();
        var unanswered = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var prefix = $"FAILOVER-{DateTime.UtcNow:yyyyMMddHHmmss}-{Random.Shared.Next(1000)}";
        var written = 0;

        async Task SendAsync(Func<Task<HttpResponseMessage>> send, bool write, Action? acknowledge = null)
        {
            var sent = clock.Elapsed;
            try
            {
                using var response = await send();
                answers.Add(new Answer((int)response.StatusCode, sent, clock.Elapsed, write));
                if (response.IsSuccessStatusCode) acknowledge?.Invoke();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref unanswered);
            }
        }

        var load = Enumerable.Range(0, Writers + Readers).Select(worker => Task.Run(async () =>
        {
            var client = clients[worker];
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var paced = Task.Delay(Pace);
                if (worker < Writers)
                {
                    var n = Interlocked.Increment(ref written);
                    var code = $"{prefix}-{n}";
                    var body = ParcelFeature(origin, code, n);
                    await SendAsync(() => client.PostAsync("/api/parcels", new StringContent(body, Encoding.UTF8, "application/geo+json")), true,
                        () => acknowledged.Add(code));
                }
                else
                {
                    var path = (i % 3) switch
                    {
                        0 => $"/api/parcels/{ids[i % ids.Length]}",
                        1 => "/api/parcels?limit=100",
                        _ => $"/tiles/parcels/{tiles[i % tiles.Length]}.mvt",
                    };
                    await SendAsync(() => client.GetAsync(path), false);
                }
                await paced;
            }
        })).ToList();

        await Task.Delay(LoadBeforeKill);
        var runAt = await StartRunAsync(admin);
        var inFlight = await RunningAsync(admin, runAt);
        var killed = await Topology.ScriptAsync("kill-primary");
        var killedAt = clock.Elapsed;

        // The load goes on until writes have been acknowledged again for a while, or for at most MostAfterKill.
        TimeSpan? firstWrite = null;
        while (clock.Elapsed - killedAt < MostAfterKill)
        {
            firstWrite ??= answers.Where(a => a.Write && a.Status < 300 && a.Sent > killedAt).Select(a => (TimeSpan?)a.At).Min();
            if (firstWrite is { } back && clock.Elapsed - back > LoadAfterRecovery) break;
            await Task.Delay(250);
        }
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var (runLine, once) = await RunOutcomeAsync(admin, runAt);
        runLine = $"{(inFlight ? "running when the primary was killed" : "not seen running before the kill")}; {runLine}";
        long found;
        await using (var conn = new NpgsqlConnection(Topology.PrimaryDb))
        {
            await conn.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM parcel WHERE code = ANY(@codes)", conn);
            count.Parameters.AddWithValue("codes", acknowledged.ToArray());
            found = (long)(await count.ExecuteScalarAsync())!;
        }

        var revived = Stopwatch.StartNew();
        await Topology.ScriptAsync("revive", killed);
        await Topology.ScriptAsync("wait-healthy", "180");

        // Writes by the second they were sent, to see the outage: acknowledged/refused.
        Console.WriteLine("writes by second of the drill (acknowledged/503): " + string.Join(" ", answers.Where(a => a.Write)
            .GroupBy(a => (int)a.Sent.TotalSeconds).OrderBy(g => g.Key).Select(g => $"{g.Key}s:{g.Count(a => a.Status < 300)}/{g.Count(a => a.Status == 503)}")));
        var writes = answers.Where(a => a.Write && a.Status < 300).Select(a => a.At).Order().ToList();
        var longest = writes.Zip(writes.Skip(1), (a, b) => (b - a).TotalSeconds).DefaultIfEmpty().Max();
        var statuses = string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        return new Drill(answers.Count + unanswered, statuses, unanswered, killed, killedAt.TotalSeconds,
            firstWrite is { } first ? (first - killedAt).TotalSeconds : null, acknowledged.Count, acknowledged.Count - found,
            answers.Count(a => a.Status >= 500 && a.Status != 503), answers.Count(a => a.Status is (< 200 or >= 300) and < 500),
            longest, runLine, once, revived.Elapsed.TotalSeconds);
    }

    /// <summary>Starts an evaluation of the demo zone's last year, as a client would: again after a 503 (Retry-After).</summary>
    static async Task<string> StartRunAsync(HttpClient admin)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var run = await admin.PostAsync("/api/evaluation/runs",
                new StringContent($$"""{"zone":"{{Topology.DemoZone}}","year":{{DateTime.UtcNow.Year - 1}}}""", Encoding.UTF8, "application/json"));
            if (run.StatusCode == HttpStatusCode.Accepted) return run.Headers.Location!.ToString();
            // Another run of the zone is under way (the demo's, at start-up): it is waited for.
            if (run.StatusCode == HttpStatusCode.Conflict && attempt < 10
                && JsonNode.Parse(await run.Content.ReadAsStringAsync())?["run"] is { } other)
            {
                await RunOutcomeAsync(admin, (string)other!);
                continue;
            }
            if (run.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 10)
                throw new InvalidOperationException($"the run was not started: {(int)run.StatusCode} {await run.Content.ReadAsStringAsync()}");
            await Task.Delay(run.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Waits (at most 10 s) until the run is running, so the kill meets it in flight.</summary>
    static async Task<bool> RunningAsync(HttpClient admin, string location)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            using var response = await admin.GetAsync(location);
            var status = response.IsSuccessStatusCode ? (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["status"] : null;
            if (status == "running") return true;
            if (status is "succeeded" or "failed") return false;
        }
        return false;
    }

    /// <summary>Waits for the run to end; whether it succeeded, once: one run, its results written once (one per enterprise).</summary>
    static async Task<(string Line, bool Once)> RunOutcomeAsync(HttpClient admin, string location)
    {
        JsonNode? run = null;
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(150); await Task.Delay(500))
        {
            using var response = await admin.GetAsync(location);
            if (response.StatusCode != HttpStatusCode.OK) continue;
            run = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            if ((string?)run?["status"] is "succeeded" or "failed") break;
        }
        if (run is null) return ("no answer about the run", false);
        var id = (long)run["id"]!;
        await using var conn = new NpgsqlConnection(Topology.PrimaryDb);
        await conn.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT credit_code), (SELECT count(*) FROM job_run WHERE id = @id) FROM evaluation_result WHERE run_id = @id", conn);
        count.Parameters.AddWithValue("id", id);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (results, distinct, runs) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        var status = (string?)run["status"];
        var once = status == "succeeded" && results > 0 && results == distinct && runs == 1;
        return ($"evaluation run {id} {status} after {run["attempts"]} attempt(s){(run["error"] is { } e ? $" ({e})" : "")}; " +
                $"{results} results, one per enterprise: {(results == distinct ? "yes" : "no")}", once);
    }

    static async Task<long[]> ParcelIdsAsync(HttpClient client)
    {
        var page = JsonNode.Parse(await client.GetStringAsync($"/api/parcels?zone={Topology.DemoZone}&limit=100"))!;
        return page["features"]!.AsArray().Select(f => (long)f!["id"]!).ToArray();
    }

    /// <summary>
    /// A parcel of about 40 m × 40 m south-east of the demo zone's parcels, one cell of a grid per write, drawn in the
    /// drill's own strip from <paramref name="origin"/> (a parcel may not overlap another).
    /// </summary>
    static string ParcelFeature((double Lon, double Lat) origin, string code, int n)
    {
        var (lon, lat) = (origin.Lon + n % 200 * 0.0006, origin.Lat + n / 200 * 0.0006);
        const double side = 0.0004;
        string Point(double x, double y) => string.Create(CultureInfo.InvariantCulture, $"[{x:F7},{y:F7}]");
        return $$$"""
            {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[{{{Point(lon, lat)}}},{{{Point(lon + side, lat)}}},{{{Point(lon + side, lat + side)}}},{{{Point(lon, lat + side)}}},{{{Point(lon, lat)}}}]]},
             "properties":{"code":"{{{code}}}","zoneCode":"{{{Topology.DemoZone}}}","status":"clean_land","plannedUse":"100101"}}
            """;
    }

    /// <summary>
    /// Where the drill's writers draw their parcels: one of 100 strips of the map, each 200 parcels wide with room for 6,600
    /// writes, with no parcel in it yet. The cluster keeps its data from one start to the next (cluster.sh), so a strip
    /// drawn at random could lie over an earlier drill's parcels and its writes be refused as overlaps (409).
    /// </summary>
    static async Task<(double Lon, double Lat)> FreeOriginAsync(HttpClient admin)
    {
        var strips = (from lon in Enumerable.Range(0, 4) from lat in Enumerable.Range(0, 25) select (Lon: 119.35 + lon * 0.125, Lat: 33.10 + lat * 0.02))
            .OrderBy(_ => Random.Shared.Next()).ToList();
        foreach (var (lon, lat) in strips)
        {
            var bbox = string.Create(CultureInfo.InvariantCulture, $"{lon - 0.001},{lat - 0.001},{lon + 0.121},{lat + 0.0199}");
            var page = JsonNode.Parse(await admin.GetStringAsync($"/api/parcels?bbox={bbox}&limit=1"))!;
            if ((long)page["numberMatched"]! == 0) return (lon, lat);
        }
        throw new InvalidOperationException("every strip of the drill's area holds an earlier drill's parcels: cluster/cluster.sh wipe");
    }

    /// <summary>The z/x/y of the tiles over the demo zone's parcels at <paramref name="z"/>.</summary>
    public static IEnumerable<string> TilesOfDemo(int z)
    {
        var n = 1 << z;
        int X(double lon) => (int)((lon + 180) / 360 * n);
        int Y(double lat)
        {
            var r = lat * Math.PI / 180;
            return (int)((1 - Math.Log(Math.Tan(r) + 1 / Math.Cos(r)) / Math.PI) / 2 * n);
        }
        for (var x = X(119.240); x <= X(119.306); x++)
            for (var y = Y(33.810); y <= Y(33.765); y++)
                yield return $"{z}/{x}/{y}";
    }
}
