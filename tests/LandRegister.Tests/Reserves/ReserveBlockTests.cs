using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Drawing;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Reserves;

public sealed class ReserveBlockTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    Task<JsonArray> BlocksAsync(string zone, string query = "minAreaMu=0") => app.Client.FeaturesAsync($"/api/reserves?zone={zone}&{query}");

    [Fact]
    public async Task Touching_parcels_merge_into_one_block_whose_area_is_the_sum_of_theirs()
    {
        var zone = await app.ZoneAsync();
        var a = await app.CleanAsync(zone, Box(X0, Y0, 400, 300));
        var b = await app.CleanAsync(zone, Box(X0 + 400, Y0, 300, 300));
        var c = await app.CleanAsync(zone, Box(X0 + 400, Y0 + 300, 200, 200));

        var blocks = await BlocksAsync(zone);
        var block = Assert.Single(blocks)!;
        Assert.Equal(new[] { a.Code, b.Code, c.Code }.Order(), Codes(block));
        var parcelsMu = await app.ScalarAsync<double>("SELECT sum(area_m2) * 0.0015 FROM parcel WHERE zone_code = @zone", new { zone });
        Assert.Equal(parcelsMu, (double)block["properties"]!["areaMu"]!, 2);
        Assert.Equal(3, (int)block["properties"]!["parcelCount"]!);
        Assert.Equal("MultiPolygon", (string)block["geometry"]!["type"]!);
        // The merged geometry is one polygon: the parcels' union, not their collection.
        Assert.Single(block["geometry"]!["coordinates"]!.AsArray());
    }

    [Fact]
    public async Task Clean_land_around_an_enclave_is_one_block_whose_outline_keeps_the_enclave_out()
    {
        // Eight clean parcels around a raw one: the exact union has a hole, so the block is drawn snap-rounded, and
        // the hole, a true enclave, stays.
        var zone = await app.ZoneAsync();
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                await app.CleanAsync(zone, Box(X0 + i * 200, Y0 + j * 200, 200, 200), status: i == 1 && j == 1 ? "raw_land" : "clean_land");

        var block = Assert.Single(await BlocksAsync(zone))!;
        Assert.Equal(8, (int)block["properties"]!["parcelCount"]!);
        var polygon = Assert.Single(block["geometry"]!["coordinates"]!.AsArray())!.AsArray();
        Assert.Equal(2, polygon.Count); // the outer ring and the enclave's
        var areas = await app.ScalarAsync<double[]>("""
            SELECT ARRAY[ST_Area(ST_Transform(ST_MakePolygon(ST_ExteriorRing(g)), 4549)), ST_Area(ST_Transform(ST_MakePolygon(ST_InteriorRingN(g, 1)), 4549))]
            FROM (SELECT ST_GeometryN(ST_SetSRID(ST_GeomFromGeoJSON(@json), 4326), 1) g) x
            """, new { json = block["geometry"]!.ToJsonString() });
        // Snap-rounding moves a vertex by 5 mm at most.
        Assert.InRange(areas[0], 600 * 600 - 10, 600 * 600 + 10);
        Assert.InRange(areas[1], 200 * 200 - 10, 200 * 200 + 10);
    }

    [Fact]
    public async Task A_50_m_gap_splits_the_parcels_at_gap_0_and_joins_them_at_gap_60()
    {
        var zone = await app.ZoneAsync();
        var west = await app.CleanAsync(zone, Box(X0, Y0, 300, 300));
        var east = await app.CleanAsync(zone, Box(X0 + 350, Y0, 300, 300));

        var apart = await BlocksAsync(zone, "minAreaMu=0&gapM=0");
        Assert.Equal(2, apart.Count);
        Assert.All(apart, b => Assert.Single(Codes(b!)));
        Assert.Equal(2, (await BlocksAsync(zone, "minAreaMu=0&gapM=40")).Count);

        var joined = Assert.Single(await BlocksAsync(zone, "minAreaMu=0&gapM=60"))!;
        Assert.Equal(new[] { west.Code, east.Code }.Order(), Codes(joined));
        Assert.Equal(60, (double)joined["properties"]!["gapM"]!);
        // Read at the default gap again, the two are apart: each gap keeps its own blocks.
        Assert.Equal(2, (await BlocksAsync(zone)).Count);
    }

    [Fact]
    public async Task A_gap_finer_than_a_centimetre_is_the_gap_to_the_centimetre_and_read_again_from_what_was_stored()
    {
        var zone = await app.ZoneAsync();
        await app.CleanAsync(zone, Box(X0, Y0, 300, 300));
        await app.CleanAsync(zone, Box(X0 + 350, Y0, 300, 300));

        // Blocks are kept with their gap to the centimetre: the first read stores them at 60.12 m, and every read after
        // finds them there instead of computing them again (and colliding with the stored ones).
        for (var read = 0; read < 2; read++)
        {
            var joined = Assert.Single(await BlocksAsync(zone, "minAreaMu=0&gapM=60.123"))!;
            Assert.Equal(60.12, (double)joined["properties"]!["gapM"]!);
        }
        Assert.Equal(1L, await app.ScalarAsync<long>(
            "SELECT count(*) FROM reserve_set WHERE zone_code = @zone AND gap_m = 60.12", new { zone }));
    }

    [Fact]
    public async Task Blocks_under_the_threshold_are_not_returned_nor_land_of_other_uses_or_statuses()
    {
        var zone = await app.ZoneAsync();
        var side = Side(300);
        var big = new[] { await app.CleanAsync(zone, Box(X0, Y0, side, side)), await app.CleanAsync(zone, Box(X0 + side, Y0, side, side)) };
        await app.CleanAsync(zone, Box(X0 + 5000, Y0, Side(450), Side(450)));
        await app.CleanAsync(zone, Box(X0, Y0 + side, side, side), plannedUse: "0701");                  // residential, touching
        await app.CleanAsync(zone, Box(X0 + side * 2, Y0, side, side), status: "raw_land");             // not yet clean, touching

        var blocks = await app.Client.FeaturesAsync($"/api/reserves?zone={zone}");
        var block = Assert.Single(blocks)!;
        Assert.Equal(big.Select(p => p.Code).Order(), Codes(block));
        Assert.Equal(600, (double)block["properties"]!["areaMu"]!, 0);
        Assert.Equal(2, (await app.Client.FeaturesAsync($"/api/reserves?zone={zone}&minAreaMu=400")).Count);
        // Asked for residential land, the residential parcel is a block of its own.
        Assert.Single(await app.Client.FeaturesAsync($"/api/reserves?zone={zone}&minAreaMu=0&landUse=07"));
    }

    [Fact]
    public async Task A_block_keeps_its_id_while_its_membership_is_unchanged_and_follows_changes_on_the_next_read()
    {
        var zone = await app.ZoneAsync();
        var a = await app.CleanAsync(zone, Box(X0, Y0, 300, 300));
        var b = await app.CleanAsync(zone, Box(X0 + 300, Y0, 300, 300));
        var first = Assert.Single(await BlocksAsync(zone))!["id"]!.ToString();
        await app.CleanAsync(zone, Box(X0 + 9000, Y0, 100, 100));        // elsewhere: a block of its own
        Assert.Contains(first, (await BlocksAsync(zone)).Select(f => f!["id"]!.ToString()));

        // Moving b 100 m east parts the block; nothing but the change happened in between.
        var patch = new JsonObject { ["geometry"] = Box(X0 + 400, Y0, 300, 300) };
        var moved = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{b.Id}?crs=EPSG:4549", patch.ToJsonString(), "application/merge-patch+json", await app.ETagAsync(b.Id));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var after = await BlocksAsync(zone);
        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(first, after.Select(f => f!["id"]!.ToString()));
        Assert.Contains(after, f => Codes(f!).SequenceEqual([a.Code]));
    }

    [Fact]
    public async Task A_reshaped_member_keeps_the_block_s_id_and_redraws_its_outline()
    {
        var zone = await app.ZoneAsync();
        var a = await app.CleanAsync(zone, Box(X0, Y0, 300, 300));
        await app.CleanAsync(zone, Box(X0 + 300, Y0, 300, 300));
        var before = Assert.Single(await BlocksAsync(zone))!;

        var patch = new JsonObject { ["geometry"] = Box(X0 - 200, Y0, 500, 300) };
        var grown = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{a.Id}?crs=EPSG:4549", patch.ToJsonString(), "application/merge-patch+json", await app.ETagAsync(a.Id));
        Assert.Equal(HttpStatusCode.OK, grown.StatusCode);

        var after = Assert.Single(await BlocksAsync(zone))!;
        Assert.Equal((string)before["id"]!, (string)after["id"]!);
        Assert.Equal((double)before["properties"]!["areaMu"]! * 4 / 3, (double)after["properties"]!["areaMu"]!, 0);
        var outline = await app.ScalarAsync<double>("SELECT ST_Area(ST_Transform(ST_GeomFromGeoJSON(@g), 4549))",
            new { g = after["geometry"]!.ToJsonString() });
        Assert.InRange(outline, 800 * 300 * 0.999, 800 * 300 * 1.001);   // one polygon of 800 × 300 m, not the two parcels as they were
    }

    [Fact]
    public async Task Splitting_a_block_parcel_keeps_the_block_with_the_children_in_place_of_the_parent()
    {
        var zone = await app.ZoneAsync();
        var a = await app.CleanAsync(zone, Box(X0, Y0, 400, 300));
        var b = await app.CleanAsync(zone, Box(X0 + 400, Y0, 400, 300));
        var parts = new JsonArray(
            new JsonObject { ["code"] = a.Code + "-1", ["geometry"] = Box(X0, Y0, 200, 300) },
            new JsonObject { ["code"] = a.Code + "-2", ["geometry"] = Box(X0 + 200, Y0, 200, 300) });
        var split = await app.SendAsync(HttpMethod.Post, $"/api/parcels/{a.Id}/split?crs=EPSG:4549",
            new JsonObject { ["reason"] = "分期供地", ["parts"] = parts }.ToJsonString(), "application/json", await app.ETagAsync(a.Id));
        Assert.True(split.StatusCode == HttpStatusCode.Created, await split.Content.ReadAsStringAsync());

        var block = Assert.Single(await BlocksAsync(zone))!;
        Assert.Equal(new[] { a.Code + "-1", a.Code + "-2", b.Code }.Order(), Codes(block));
    }

    /// <summary>The 679-mu block of the Lianshui report: four clean parcels in a 2 × 2 square.</summary>
    async Task<(string Zone, long[] Ids)> Block679Async(string? effectiveDate = null)
    {
        var zone = await app.ZoneAsync();
        var side = Side(679 / 4d);
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
            ids.Add((await app.CleanAsync(zone, Box(X0 + side * (i % 2), Y0 + side * (i / 2), side, side), effectiveDate: effectiveDate)).Id);
        await app.CleanAsync(zone, Box(X0 + 3000, Y0, Side(200), Side(200)), effectiveDate: effectiveDate);
        return (zone, ids.ToArray());
    }

    async Task<JsonObject> TargetAsync(string zone, int? year = null, string query = "") =>
        await (await app.Client.GetAsync($"/api/reserves/target?zone={zone}" + (year is null ? "" : $"&year={year}") + query)).JsonAsync();

    [Fact]
    public async Task Supplying_the_parcels_of_the_679_mu_block_removes_it_and_the_target_is_no_longer_met()
    {
        var (zone, ids) = await Block679Async();
        var before = await TargetAsync(zone);
        Assert.True((bool)before["met"]!, before.ToJsonString());
        Assert.True((bool)before["isDefault"]!);
        Assert.Equal(500, (double)before["target"]!["minAreaMu"]!);
        var block = Assert.Single(before["blocks"]!.AsArray())!;
        Assert.Equal(679, (double)block["areaMu"]!, 0);

        await app.WalkAsync(ids[0], ToSupplied());
        var shrunk = Assert.Single(await app.Client.FeaturesAsync($"/api/reserves?zone={zone}"))!;
        Assert.Equal(3, (int)shrunk["properties"]!["parcelCount"]!);
        Assert.Equal(679 * 3 / 4d, (double)shrunk["properties"]!["areaMu"]!, 0);
        Assert.NotEqual((string)block["blockId"]!, (string)shrunk["id"]!);

        foreach (var id in ids[1..]) await app.WalkAsync(id, ToSupplied());
        Assert.Empty(await app.Client.FeaturesAsync($"/api/reserves?zone={zone}"));
        var after = await TargetAsync(zone);
        Assert.False((bool)after["met"]!, after.ToJsonString());
        Assert.Empty(after["blocks"]!.AsArray());
    }

    [Fact]
    public async Task The_target_of_a_past_year_is_answered_from_when_things_happened_and_as_the_register_stood_when_asked()
    {
        // Recorded today: the parcels became clean land in June 2024 and were supplied in March 2025.
        var (zone, ids) = await Block679Async(effectiveDate: "2024-06-01");
        var beforeSupply = DateTimeOffset.UtcNow;
        foreach (var id in ids) await app.WalkAsync(id, ToSupplied().On("2025-03-12"));

        var y2024 = await TargetAsync(zone, 2024);
        Assert.True((bool)y2024["met"]!, y2024.ToJsonString());
        Assert.Equal(679, (double)Assert.Single(y2024["blocks"]!.AsArray())!["areaMu"]!, 0);
        Assert.StartsWith("2024-12-31T23:59:59", (string)y2024["asOf"]!);
        var y2025 = await TargetAsync(zone, 2025);
        Assert.False((bool)y2025["met"]!, y2025.ToJsonString());
        Assert.False((bool)(await TargetAsync(zone))["met"]!);
        var y2023 = await TargetAsync(zone, 2023);
        Assert.False((bool)y2023["met"]!);

        // As the register stood before the supply was recorded, the land was still clean at the end of 2025.
        var recorded = await TargetAsync(zone, 2025, $"&recordedAsOf={Uri.EscapeDataString(beforeSupply.ToString("O"))}");
        Assert.True((bool)recorded["met"]!, recorded.ToJsonString());
        // And before anything of the zone was recorded, it knew of nothing.
        var nothing = await TargetAsync(zone, 2024, "&recordedAsOf=2020-01-01T00:00:00Z");
        Assert.False((bool)nothing["met"]!);
        Assert.Equal(0, (long)nothing["parcelsKnown"]!);
        Assert.Contains("Nothing had been recorded", (string)nothing["note"]!);
    }

    [Fact]
    public async Task A_zone_sets_its_own_target_per_year_with_versions()
    {
        var (zone, _) = await Block679Async();
        var year = DateTime.UtcNow.Year;
        var body = new JsonObject { ["minBlocks"] = 2, ["minAreaMu"] = 300 };
        var set = await app.SendAsync(HttpMethod.Put, $"/api/reserves/target/{year}?zone={zone}", body.ToJsonString(), "application/json");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var target = await TargetAsync(zone);
        Assert.False((bool)target["isDefault"]!);
        Assert.False((bool)target["met"]!, "one block of 679 mu does not meet two of 300");

        var again = await app.SendAsync(HttpMethod.Put, $"/api/reserves/target/{year}?zone={zone}", body.ToJsonString(), "application/json");
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.PreconditionRequired, "If-Match");
        var stale = await app.SendAsync(HttpMethod.Put, $"/api/reserves/target/{year}?zone={zone}", body.ToJsonString(), "application/json", "\"7\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        body["minBlocks"] = 1;
        var changed = await app.SendAsync(HttpMethod.Put, $"/api/reserves/target/{year}?zone={zone}", body.ToJsonString(), "application/json", set.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.True((bool)(await TargetAsync(zone))["met"]!);
    }

    [Theory]
    [InlineData("/api/reserves?gapM=-1", "gapM")]
    [InlineData("/api/reserves?gapM=5000", "gapM")]
    [InlineData("/api/reserves?minAreaMu=-5", "minAreaMu")]
    [InlineData("/api/reserves?landUse=industrial", "landUse")]
    [InlineData("/api/reserves?gapM=abc", "gapM")]
    [InlineData("/api/reserves/target?zone=Z1&year=1999", "year")]
    [InlineData("/api/reserves/target?zone=Z1&year=2999", "year")]
    public async Task Bad_queries_are_refused_naming_the_parameter(string url, string field)
    {
        var response = await app.Client.GetAsync(url);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, url);
        await ProblemAssert.IsProblemAsync(response, response.StatusCode, field);
    }

    [Fact]
    public async Task A_bad_target_is_refused_and_writes_nothing()
    {
        var zone = await app.ZoneAsync();
        var response = await app.SendAsync(HttpMethod.Put, $"/api/reserves/target/2026?zone={zone}",
            new JsonObject { ["minBlocks"] = -1, ["minAreaMu"] = 0 }.ToJsonString(), "application/json");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "minBlocks");
        Assert.NotNull(problem["errors"]!["minAreaMu"]);
        var unknown = await app.SendAsync(HttpMethod.Put, $"/api/reserves/target/2026?zone={zone}", """{"minBlocks":1,"minAreaMu":500,"blocks":3}""", "application/json");
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.BadRequest, "blocks");
        var mistyped = await app.SendAsync(HttpMethod.Put, $"/api/reserves/target/2026?zone={zone}", """{"minBlocks":"2","minAreaMu":500}""", "application/json");
        Assert.Equal("wrong type: expected a number", ProblemAssert.Reason(await ProblemAssert.IsProblemAsync(mistyped, HttpStatusCode.BadRequest, "minBlocks"), "minBlocks"));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM reserve_target WHERE zone_code = @zone", new { zone }));
    }

    [Fact]
    public async Task A_key_of_one_zone_sees_only_its_zone_s_blocks()
    {
        var (zone, _) = await Block679Async();
        var (other, _) = await Block679Async();
        var client = await app.ClientForAsync("planner", other);
        var blocks = await client.FeaturesAsync("/api/reserves");
        Assert.All(blocks, b => Assert.Equal(other, (string)b!["properties"]!["zoneCode"]!));
        Assert.Single(blocks);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/reserves?zone={zone}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/reserves/target?zone={zone}")).StatusCode);
        Assert.True((bool)(await (await client.GetAsync("/api/reserves/target")).JsonAsync())["met"]!);
    }
}
