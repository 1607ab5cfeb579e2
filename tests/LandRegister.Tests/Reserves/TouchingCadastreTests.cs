using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Reserves;

/// <summary>
/// A cadastre shaped like a real one (irregular parcels that all touch, as a French commune's), imported in bulk as
/// clean industrial land and read as reserve blocks at once: the shape that once took 47 s where 1 s was due, because
/// the planner still saw an empty zone and drew every outline once per block. The blocks must be the connected groups
/// of the cadastre, the statistics must be fresh after the import, and the outlines must be drawn once each.
/// </summary>
public sealed class TouchingCadastreTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    const int Columns = 50, Rows = 50;

    /// <summary>
    /// A grid of quadrilaterals on jittered shared corners (so every parcel touches its neighbours exactly, none is a
    /// rectangle); nearly half the parcels are raw land, and so are four whole columns, which part the clean land into
    /// irregular groups. Returns the import body and which cells are clean.
    /// </summary>
    static (JsonObject Body, bool[,] Clean) Cadastre(string zone)
    {
        var random = new Random(18);
        const double Lon0 = 119.70, Lat0 = 33.90, Dx = 0.0009, Dy = 0.00075;
        var corners = new (double Lon, double Lat)[Columns + 1, Rows + 1];
        for (var i = 0; i <= Columns; i++)
            for (var j = 0; j <= Rows; j++)
                corners[i, j] = (Lon0 + (i + (random.NextDouble() - 0.5) * 0.5) * Dx, Lat0 + (j + (random.NextDouble() - 0.5) * 0.5) * Dy);
        var clean = new bool[Columns, Rows];
        var features = new JsonArray();
        for (var i = 0; i < Columns; i++)
            for (var j = 0; j < Rows; j++)
            {
                clean[i, j] = i % 12 != 11 && random.NextDouble() > 0.45;
                JsonArray At(int a, int b) => [corners[a, b].Lon, corners[a, b].Lat];
                features.Add(new JsonObject
                {
                    ["type"] = "Feature",
                    ["geometry"] = new JsonObject
                    {
                        ["type"] = "Polygon",
                        ["coordinates"] = new JsonArray(new JsonArray(At(i, j), At(i + 1, j), At(i + 1, j + 1), At(i, j + 1), At(i, j))),
                    },
                    ["properties"] = new JsonObject
                    {
                        ["code"] = $"TC-{i:00}-{j:00}", ["status"] = clean[i, j] ? "clean_land" : "raw_land", ["plannedUse"] = "100101",
                    },
                });
            }
        return (new JsonObject { ["type"] = "FeatureCollection", ["features"] = features }, clean);
    }

    /// <summary>The groups of clean cells that touch, at an edge or a corner, as the sizes of the groups.</summary>
    static List<int> Groups(bool[,] clean)
    {
        var parent = Enumerable.Range(0, Columns * Rows).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        for (var i = 0; i < Columns; i++)
            for (var j = 0; j < Rows; j++)
                for (var di = -1; di <= 1; di++)
                    for (var dj = -1; dj <= 1; dj++)
                    {
                        var (a, b) = (i + di, j + dj);
                        if (a < 0 || b < 0 || a >= Columns || b >= Rows || !clean[i, j] || !clean[a, b]) continue;
                        parent[Find(i * Rows + j)] = Find(a * Rows + b);
                    }
        return Enumerable.Range(0, Columns * Rows).Where(c => clean[c / Rows, c % Rows]).GroupBy(Find).Select(g => g.Count())
            .OrderDescending().ToList();
    }

    [Fact]
    public async Task A_bulk_import_of_touching_parcels_reads_as_its_groups_with_fresh_statistics_and_each_outline_drawn_once()
    {
        var zone = await app.ZoneAsync();
        var (body, clean) = Cadastre(zone);
        var imported = await app.PostAsync($"/api/parcels/import?zone={zone}", body, "application/geo+json");
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(Columns * Rows, (int)(await imported.JsonAsync())["imported"]!);

        // The import brought the planner's statistics up to date (the table held a few parcels before it).
        Assert.True(await app.ScalarAsync<float>("SELECT reltuples FROM pg_class WHERE oid = 'parcel'::regclass") >= Columns * Rows);

        var expected = Groups(clean);
        Assert.True(expected.Count > 10, $"{expected.Count} groups"); // irregular enough to matter
        var blocks = (await (await app.Client.GetAsync($"/api/reserves?zone={zone}&minAreaMu=0&landUse=100101&gapM=0")).JsonAsync())["features"]!.AsArray();
        Assert.Equal(expected, blocks.Select(b => (int)b!["properties"]!["parcelCount"]!).OrderDescending().ToList());

        // Drawn from scratch, the outlines are drawn once each: the aggregate runs once, in its own materialised step.
        await using var conn = await app.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("DELETE FROM reserve_block WHERE zone_code = @zone", new { zone }, tx);
        var plan = JsonNode.Parse(await conn.ExecuteScalarAsync<string>(
            $"EXPLAIN (ANALYZE, FORMAT JSON) {ReserveBlocks.Store}", ReserveBlocks.Args(zone, new ReserveRule(["100101%"], 0)), tx) ?? "[]")!;
        await tx.RollbackAsync();
        var nodes = Nodes(plan);
        var drawn = nodes.SingleOrDefault(n => (string?)n["Subplan Name"] == "CTE drawn");
        Assert.True(drawn is not null, "the outlines are no step of their own: " + string.Join(", ", nodes.Select(n => (string)n["Node Type"]!)));
        Assert.Equal(1, (int)drawn["Actual Loops"]!);
        Assert.Equal(expected.Count(g => g > 1), (int)drawn["Actual Rows"]!);
        Assert.All(nodes.Where(n => (string?)n["Parent Relationship"] == "SubPlan" || (string?)n["Subplan Name"] is { } name && name.StartsWith("CTE", StringComparison.Ordinal)),
            n => Assert.InRange((int)n["Actual Loops"]!, 0, 1)); // at most once: with nothing stored, nothing is near a change
    }

    /// <summary>
    /// A large import's statistics: a quick sample, taken in the import's transaction so that the next statement is
    /// planned for the zone as imported (the 3,000 rows of statistics target 10: at most 11 histogram bounds a column),
    /// then autovacuum's full sample once the import has committed: its rows still count towards autovacuum's threshold.
    /// </summary>
    [Fact]
    public async Task A_bulk_import_is_planned_on_a_quick_sample_and_its_rows_left_for_autovacuum_to_analyse()
    {
        const string Bounds = """
            SELECT coalesce(array_length(histogram_bounds, 1), 0) FROM pg_stats
            WHERE schemaname = 'public' AND tablename = 'parcel' AND attname = 'area_m2'
            """;
        const string Autoanalysed = "SELECT autoanalyze_count FROM pg_stat_user_tables WHERE relid = 'public.parcel'::regclass";
        var zone = await app.ZoneAsync();
        var (body, _) = Cadastre(zone);
        var before = await app.ScalarAsync<long>(Autoanalysed);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync($"/api/parcels/import?zone={zone}", body, "application/geo+json")).StatusCode);

        Assert.True(await app.ScalarAsync<bool>("""
            SELECT @zone = ANY (most_common_vals::text::text[]) FROM pg_stats
            WHERE schemaname = 'public' AND tablename = 'parcel' AND attname = 'zone_code'
            """, new { zone }), "the imported zone is not among the statistics' most common zones");
        var bounds = await app.ScalarAsync<int>(Bounds);
        Assert.True(bounds is > 0 and <= 11 || await app.ScalarAsync<long>(Autoanalysed) > before, $"{bounds} histogram bounds right after the import");

        // Then the import's rows still count towards autovacuum's next analyse, which takes the full sample (or has taken it).
        // Waiting for autovacuum itself failed a clean run: in a cluster shared by a whole test run its workers can be busy
        // for minutes. The counters reach the statistics views within seconds of the commit.
        const string LeftToAutovacuum = """
            SELECT s.autoanalyze_count > @before
                   OR s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::bigint
                                              + current_setting('autovacuum_analyze_scale_factor')::float8 * c.reltuples
            FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relid = 'public.parcel'::regclass
            """;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await app.ScalarAsync<bool>(LeftToAutovacuum, new { before }))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the import's rows do not count towards autovacuum's next analyse");
            await Task.Delay(500);
        }
    }

    /// <summary>Every node of a plan from <c>EXPLAIN (FORMAT JSON)</c>.</summary>
    static List<JsonObject> Nodes(JsonNode plan)
    {
        var nodes = new List<JsonObject>();
        void Walk(JsonNode? node)
        {
            if (node is not JsonObject o) return;
            nodes.Add(o);
            foreach (var child in o["Plans"]?.AsArray() ?? []) Walk(child);
        }
        Walk(plan[0]!["Plan"]);
        return nodes;
    }

    /// <summary>
    /// A cadastre brought in two batches, the second into the zone that holds the first (late entries): the second
    /// batch's overlap check looks up each feature's neighbours through the spatial index. Joined on the zone, the planner
    /// once paired every feature with every parcel of the zone (a merge join: 3,410 Paris parcels into a zone of 3,411
    /// took 2.3 s, growing with the product of the two).
    /// </summary>
    [Fact]
    public async Task A_late_batch_into_a_populated_zone_is_checked_against_each_features_neighbours_not_the_whole_zone()
    {
        var zone = await app.ZoneAsync();
        var (body, _) = Cadastre(zone);
        var features = body["features"]!.AsArray();
        JsonObject Batch(bool late) => new()
        {
            ["type"] = "FeatureCollection",
            ["features"] = new JsonArray(features.Where((_, k) => k / Rows >= Columns / 2 == late).Select(f => f!.DeepClone()).ToArray()),
        };
        var (first, second) = (Batch(late: false), Batch(late: true));
        var staged = second["features"]!.AsArray().Count;
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync($"/api/parcels/import?zone={zone}", first, "application/geo+json")).StatusCode);

        // The late batch staged as the import stages it, and its overlap check explained.
        await using var conn = await app.OpenAsync();
        JsonNode plan;
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await conn.ExecuteAsync(ParcelImport.Stage, transaction: tx);
            await conn.ExecuteAsync("""
                INSERT INTO parcel_import (idx, zone_code, code, geom)
                SELECT n - 1, @zone, f -> 'properties' ->> 'code', ST_SetSRID(ST_GeomFromGeoJSON(f -> 'geometry'), 4326)
                FROM jsonb_array_elements(@features::jsonb -> 'features') WITH ORDINALITY AS a(f, n)
                """, new { zone, features = second.ToJsonString() }, tx);
            await conn.ExecuteAsync(ParcelImport.Prepare, transaction: tx);
            plan = JsonNode.Parse(await conn.ExecuteScalarAsync<string>($"EXPLAIN (ANALYZE, FORMAT JSON) {ParcelOverlaps.InImport}",
                new { rejected = Array.Empty<int>(), tolerance = 1.0 }, tx) ?? "[]")!;
            await tx.RollbackAsync();
        }
        // The rows each step read, kept or thrown away (EXPLAIN gives them per loop): a few neighbours per feature, where
        // the join on the zone read the zone's 1,250 parcels for each of the 1,250 features.
        static double Read(JsonObject n) => ((double?)n["Actual Rows"] ?? 0) + ((double?)n["Rows Removed by Filter"] ?? 0)
                                            + ((double?)n["Rows Removed by Join Filter"] ?? 0);
        var nodes = Nodes(plan);
        Assert.Contains(nodes, n => (string?)n["Index Name"] == "parcel_geom_gist" && (int)n["Actual Loops"]! == staged);
        Assert.All(nodes, n => Assert.True(Read(n) * (int)n["Actual Loops"]! <= 50.0 * staged,
            $"{n["Node Type"]} {n["Relation Name"]} read {Read(n)} rows × {n["Actual Loops"]} loops"));

        var imported = await app.PostAsync($"/api/parcels/import?zone={zone}", second, "application/geo+json");
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(staged, (int)(await imported.JsonAsync())["imported"]!);
        Assert.Equal(Columns * Rows, await app.ScalarAsync<int>("SELECT count(*)::int FROM parcel WHERE zone_code = @zone", new { zone }));
    }

    /// <summary>The rule's stored blocks: id, parcels with their versions, area; in block order.</summary>
    static async Task<List<string>> StoredAsync(Npgsql.NpgsqlConnection conn, string zone, decimal gap, Npgsql.NpgsqlTransaction? tx = null) =>
        (await conn.QueryAsync<string>("""
            SELECT block_id || ' ' || array_to_string(parcel_ids, ',') || ' v' || array_to_string(parcel_versions, ',') || ' ' || round(area_m2)
                   || ' ' || round(ST_Area(geom::geography)) || ' ' || ST_NumGeometries(geom)
            FROM reserve_block WHERE zone_code = @zone AND land_uses = '100101%' AND gap_m = @gap ORDER BY block_id
            """, new { zone, gap }, tx)).AsList();

    [Fact]
    public async Task Blocks_brought_up_to_date_after_each_change_are_the_blocks_computed_from_scratch()
    {
        var zone = await app.ZoneAsync();
        var (body, _) = Cadastre(zone);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync($"/api/parcels/import?zone={zone}", body, "application/geo+json")).StatusCode);
        await using var conn = await app.OpenAsync();
        var ids = (await conn.QueryAsync<long>("SELECT id FROM parcel WHERE zone_code = @zone ORDER BY code", new { zone })).ToArray();
        // The cell in column i, row j; column 11 is raw land from end to end, parting the clean land.
        long Cell(int i, int j) => ids[i * Rows + j];
        var random = new Random(19);
        var changes = new (string What, string Sql, long[] Ids)[]
        {
            ("a raw cell of the parting column turns clean, bridging the groups on either side",
             "UPDATE parcel SET status = 'clean_land' WHERE id = ANY(@ids)", [Cell(11, 20), Cell(11, 21)]),
            ("clean cells leave the clean land", "UPDATE parcel SET status = 'raw_land' WHERE id = ANY(@ids)",
             Enumerable.Range(0, 4).Select(_ => Cell(random.Next(0, 11), random.Next(0, Rows))).ToArray()),
            ("a clean cell is renamed (a new version, the same land)", "UPDATE parcel SET name = 'renamed' WHERE id = ANY(@ids)", [Cell(3, 3)]),
            ("a clean cell shrinks away from its neighbours",
             "UPDATE parcel SET geom = ST_Multi(ST_Buffer(geom, -0.00008)) WHERE id = ANY(@ids)", [Cell(5, 25), Cell(30, 10)]),
            ("a cell is retired", "UPDATE parcel SET retired_at = now() WHERE id = ANY(@ids)", [Cell(20, 20)]),
            ("raw cells anywhere turn clean", "UPDATE parcel SET status = 'clean_land' WHERE id = ANY(@ids)",
             Enumerable.Range(0, 6).Select(_ => Cell(random.Next(0, Columns), random.Next(0, Rows))).ToArray()),
            ("land of another use is not the rule's", "UPDATE parcel SET planned_use = '0901' WHERE id = ANY(@ids)", [Cell(40, 40), Cell(41, 41)]),
        };
        foreach (var gap in new[] { 0m, 30m })
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/reserves?zone={zone}&minAreaMu=0&landUse=100101&gapM={gap}")).StatusCode);
        foreach (var (what, sql, changed) in changes)
        {
            await conn.ExecuteAsync(sql, new { ids = changed });
            foreach (var gap in new[] { 0m, 30m })
            {
                Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/reserves?zone={zone}&minAreaMu=0&landUse=100101&gapM={gap}")).StatusCode);
                var updated = await StoredAsync(conn, zone, gap);
                await using var tx = await conn.BeginTransactionAsync();
                await conn.ExecuteAsync("DELETE FROM reserve_block WHERE zone_code = @zone", new { zone }, tx);
                await conn.ExecuteAsync(ReserveBlocks.Store, ReserveBlocks.Args(zone, new ReserveRule(["100101%"], gap)), tx);
                var fromScratch = await StoredAsync(conn, zone, gap, tx);
                await tx.RollbackAsync();
                Assert.True(fromScratch.Count > 5, $"{fromScratch.Count} blocks");
                Assert.True(fromScratch.SequenceEqual(updated),
                    $"after {what}, gap {gap} m: brought up to date\n{string.Join("\n", updated.Except(fromScratch))}\nfrom scratch\n{string.Join("\n", fromScratch.Except(updated))}");
            }
        }
    }
}
