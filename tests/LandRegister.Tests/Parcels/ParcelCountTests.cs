using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Drawing;

namespace LandRegister.Tests.Parcels;

/// <summary>
/// An unfiltered list counts its parcels from <c>parcel_count</c> (a row per zone, kept by the parcel table's own
/// statements), and the zones' bbox, TileJSON's bounds and the OGC collection's extent read each zone's extent there:
/// both stay exact through creation, bulk import, retirement, a redrawing, a move to another zone and concurrent
/// writers, and equal what counting and measuring the parcels finds.
/// </summary>
public sealed class ParcelCountTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    async Task<long> MatchedAsync(string query)
    {
        var page = await (await app.Client.GetAsync($"/api/parcels?limit=1&{query}")).JsonAsync();
        return (long)page["numberMatched"]!;
    }

    Task<long> CountedAsync(string zone) =>
        app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = @zone AND retired_at IS NULL", new { zone });

    /// <summary>Every zone's kept count equals the parcels counted, and the lists say so.</summary>
    async Task AssertExactAsync(params string[] zones)
    {
        var drift = await app.ScalarAsync<long>("""
            SELECT count(*) FROM zone z
            WHERE (SELECT count(*) FROM parcel p WHERE p.zone_code = z.code AND p.retired_at IS NULL)
                  <> coalesce((SELECT live FROM parcel_count c WHERE c.zone_code = z.code), 0)
            """);
        Assert.Equal(0, drift);
        // Kept by the triggers, and measured side by side through the index from a frame as wide as the world.
        var misplaced = await app.ScalarAsync<long>("""
            SELECT count(*) FROM zone z, LATERAL (SELECT ST_Extent(geom)::text AS e FROM parcel p WHERE p.zone_code = z.code AND p.retired_at IS NULL) m
            WHERE m.e IS DISTINCT FROM (SELECT extent::text FROM parcel_count c WHERE c.zone_code = z.code)
               OR m.e IS DISTINCT FROM parcel_zone_extent(z.code, 'BOX(-180 -90,180 90)')::text
            """);
        Assert.Equal(0, misplaced);
        foreach (var zone in zones)
        {
            Assert.Equal(await CountedAsync(zone), await MatchedAsync($"zone={zone}"));
            var measured = await app.ScalarAsync<double[]?>("""
                SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)]
                FROM (SELECT ST_Extent(geom) AS e FROM parcel WHERE zone_code = @zone AND retired_at IS NULL) x WHERE e IS NOT NULL
                """, new { zone });
            var bbox = (await (await app.Client.GetAsync($"/api/zones/{zone}")).JsonAsync())["bbox"]?.AsArray().Select(v => (double)v!).ToArray();
            Assert.Equal(measured, bbox);
        }
        Assert.Equal(await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE retired_at IS NULL"), await MatchedAsync(""));
    }

    [Fact]
    public async Task The_count_of_an_unfiltered_list_stays_exact_through_every_kind_of_write()
    {
        var (east, west) = (await app.ZoneAsync(), await app.ZoneAsync());
        await AssertExactAsync(east, west);

        var created = new List<long>();
        for (var i = 0; i < 5; i++) created.Add((await app.CleanAsync(east, Box(X0 + i * 300, Y0, 200, 200))).Id);
        await AssertExactAsync(east, west);

        var features = new JsonArray(Enumerable.Range(0, 40).Select(i => (JsonNode)Feature(Box(X0 + i * 300, Y0 + 5000, 200, 200), west)).ToArray());
        var imported = await app.SendAsync(HttpMethod.Post, "/api/parcels/import?crs=EPSG:4549",
            new JsonObject { ["type"] = "FeatureCollection", ["features"] = features }.ToJsonString(), "application/geo+json");
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        await AssertExactAsync(east, west);

        // The westmost parcel of its zone is redrawn inside its old outline, then retired: the zone's extent shrinks twice.
        var redrawn = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{created[0]}?crs=EPSG:4549",
            new JsonObject { ["geometry"] = Box(X0 + 50, Y0 + 50, 100, 100) }.ToJsonString(), "application/merge-patch+json",
            ifMatch: await app.ETagAsync(created[0]));
        Assert.True(redrawn.IsSuccessStatusCode, await redrawn.Content.ReadAsStringAsync());
        await AssertExactAsync(east, west);
        var retired = await app.SendAsync(HttpMethod.Delete, $"/api/parcels/{created[0]}", ifMatch: await app.ETagAsync(created[0]));
        Assert.True(retired.IsSuccessStatusCode, await retired.Content.ReadAsStringAsync());
        await AssertExactAsync(east, west);

        // Status changes in bulk (as the nightly runs make) leave the counts alone; a move to another zone, a retirement
        // undone and one done in SQL are counted as any other.
        var written = "SELECT xmin::text FROM parcel_count WHERE zone_code = @west";
        var before = await app.ScalarAsync<string>(written, new { west });
        await app.ScalarAsync<int>("UPDATE parcel SET status = 'supplied' WHERE zone_code = @west RETURNING 1", new { west });
        Assert.Equal(before, await app.ScalarAsync<string>(written, new { west }));
        await app.ScalarAsync<int>("UPDATE parcel SET zone_code = @west WHERE id = @id RETURNING 1", new { west, id = created[1] });
        await app.ScalarAsync<int>("UPDATE parcel SET retired_at = NULL WHERE id = @id RETURNING 1", new { id = created[0] });
        await app.ScalarAsync<int>("UPDATE parcel SET retired_at = now() WHERE id = ANY(@ids) RETURNING 1", new { ids = created.Skip(2).ToArray() });
        await AssertExactAsync(east, west);

        // A filtered list is still counted from the parcels themselves.
        Assert.Equal(await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = @west AND retired_at IS NULL AND status = 'supplied'", new { west }),
            await MatchedAsync($"zone={west}&status=supplied"));
    }

    /// <summary>
    /// A zone measured again while another writer widens it: the parcel that writer adds, committed while the redrawing
    /// waited for the zone's row, is in the extent. The counts' statements wait for that row before the zone is
    /// measured, and the measuring statement takes a snapshot of its own after the wait; measured on a snapshot from
    /// before it, the new parcel could be left out.
    /// </summary>
    [Fact]
    public async Task An_edge_redrawn_while_another_writer_widens_the_zone_keeps_the_new_parcel_in_the_extent()
    {
        var zone = await app.ZoneAsync();
        var west = await app.CleanAsync(zone, Box(X0, Y0 + 20000, 200, 200));
        await app.CleanAsync(zone, Box(X0 + 1000, Y0 + 20000, 200, 200));
        await using var widening = await app.OpenAsync();
        await using var tx = await widening.BeginTransactionAsync();
        await widening.ExecuteAsync("""
            INSERT INTO parcel (zone_code, code, status, geom, created_by, updated_by)
            SELECT @zone, 'FAR-EAST', 'clean_land', ST_Multi(ST_Translate(geom, 0.05, 0)), 'test', 'test' FROM parcel WHERE id = @id
            """, new { zone, id = west.Id }, tx);
        // The west edge is redrawn inside itself: its zone is measured again, and waits for the writer's row lock.
        var redrawn = app.ScalarAsync<int>("UPDATE parcel SET geom = ST_Multi(ST_Buffer(geom, -0.0001)) WHERE id = @id RETURNING 1", new { id = west.Id });
        await Task.Delay(500);
        Assert.False(redrawn.IsCompleted, "the redrawing should wait for the zone's row");
        await tx.CommitAsync();
        await redrawn;
        await AssertExactAsync(zone);
    }

    [Fact]
    public async Task Concurrent_creations_in_one_zone_are_all_counted()
    {
        var zone = await app.ZoneAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            app.PostAsync("/api/parcels?crs=EPSG:4549", Feature(Box(X0 + i * 300, Y0 + 9000, 200, 200), zone), "application/geo+json")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(16, await MatchedAsync($"zone={zone}"));
        await AssertExactAsync(zone);
    }
}
