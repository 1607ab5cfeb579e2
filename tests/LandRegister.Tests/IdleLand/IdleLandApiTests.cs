using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.IdleLand;

public sealed class IdleLandApiTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    async Task<long> SuppliedAsync(string zone, string startBy, double lon)
    {
        var feature = Feature(Rectangle(lon, 33.8, 150, 150), zone, status: "clean_land");
        feature["properties"]!["effectiveDate"] = "2021-01-01";
        var id = (long)(await app.CreateParcelAsync(feature))["id"]!;
        var supply = ToSupplied();
        supply["supply"]!["dealtOn"] = "2021-06-01";
        supply["supply"]!["listedOn"] = "2021-05-01";
        supply["supply"]!["constructionStartBy"] = startBy;
        supply["supply"]!["completionBy"] = "2026-12-31";
        await app.WalkAsync(id, supply.On("2021-06-01"));
        return id;
    }

    Task<string> StatusAsync(long id) => app.ScalarAsync<string>("SELECT status FROM parcel WHERE id = @id", new { id });

    [Fact]
    public async Task A_run_finds_idle_land_marks_it_and_an_exemption_recorded_later_clears_it()
    {
        var zone = await app.ZoneAsync();
        var idle = await SuppliedAsync(zone, "2022-01-01", 119.30);        // not started, 2 years and more by 2024-06-01
        var recent = await SuppliedAsync(zone, "2024-01-01", 119.31);      // agreed start only 5 months ago
        var stalled = await SuppliedAsync(zone, "2022-01-01", 119.32);     // started, then stopped
        await app.WalkAsync(stalled, To("under_construction").On("2022-02-01"));
        var report = await app.PostAsync($"/api/parcels/{stalled}/construction-reports", new JsonObject
        {
            ["reportedOn"] = "2023-05-01", ["startedOn"] = "2022-02-01", ["developedShare"] = 0.1, ["investedShare"] = 0.15, ["stoppedSince"] = "2023-03-01",
        });
        Assert.Equal(HttpStatusCode.Created, report.StatusCode);

        // Started, stopped for more than a year, and nobody has reported how much was developed or invested.
        var unknown = await SuppliedAsync(zone, "2022-01-01", 119.33);
        await app.WalkAsync(unknown, To("under_construction").On("2022-02-01"));
        Assert.Equal(HttpStatusCode.Created, (await app.PostAsync($"/api/parcels/{unknown}/construction-reports", new JsonObject
        {
            ["reportedOn"] = "2023-05-01", ["startedOn"] = "2022-02-01", ["stoppedSince"] = "2023-03-01",
        })).StatusCode);

        var run = await app.RunAsync("/api/idle-land/runs", new JsonObject { ["zone"] = zone, ["asOf"] = "2024-06-01" });
        Assert.Equal("succeeded", (string)run["status"]!);
        Assert.Equal(2, (int)run["counts"]!["findings"]!);
        Assert.Equal(1, (int)run["counts"]!["notDeterminable"]!);
        var findings = (await (await app.Client.GetAsync($"/api/idle-land/findings?zone={zone}")).JsonAsync())["items"]!.AsArray()
            .ToDictionary(f => (long)f!["parcelId"]!, f => f!.AsObject());
        Assert.Equal("stalled_not_determinable", (string)findings[unknown]["rule"]!);
        Assert.Equal(["developedShare", "investedShare"], findings[unknown]["missing"]!.AsArray().Select(m => (string)m!));
        Assert.Null(findings[unknown]["feeWan"]);
        Assert.Equal("under_construction", await app.ScalarAsync<string>("SELECT status FROM parcel WHERE id = @unknown", new { unknown }));
        findings.Remove(unknown);
        Assert.Equal(new[] { idle, stalled }.Order(), findings.Keys.Order());
        Assert.Equal("not_started", (string)findings[idle]["rule"]!);
        Assert.True((bool)findings[idle]["reclaimable"]!);
        Assert.Equal(2037m, (decimal)findings[idle]["feeWan"]!); // 20% of 10185 万元
        var clockFrom = DateOnly.Parse((string)findings[idle]["clockFrom"]!, System.Globalization.CultureInfo.InvariantCulture);
        var asOf = new DateOnly(2024, 6, 1);
        Assert.Equal(asOf.DayNumber - clockFrom.DayNumber, (int)findings[idle]["daysSinceClockStart"]!);
        Assert.Equal(asOf.DayNumber - clockFrom.AddYears(1).DayNumber, (int)findings[idle]["daysIdle"]!);
        Assert.Equal("stalled", (string)findings[stalled]["rule"]!);
        Assert.False((bool)findings[stalled]["reclaimable"]!);
        Assert.Equal("idle", await StatusAsync(idle));
        Assert.Equal("idle", await StatusAsync(stalled));
        Assert.Equal("supplied", await StatusAsync(recent));
        var last = (await (await app.Client.GetAsync($"/api/parcels/{idle}/history")).JsonAsync())["entries"]!.AsArray()[^1]!;
        Assert.Equal($"idle-land-run-{(long)run["id"]!}", (string)last["actor"]!);

        // The land was delivered late: a delay the government caused. The next run finds it no longer idle.
        var exemption = await app.PostAsync($"/api/parcels/{idle}/idle-exemptions", new JsonObject
        {
            ["reason"] = "land_not_delivered", ["from"] = "2022-01-01", ["to"] = "2023-12-31", ["reference"] = "涟开管〔2024〕3号",
        });
        Assert.Equal(HttpStatusCode.Created, exemption.StatusCode);
        var second = await app.RunAsync("/api/idle-land/runs", new JsonObject { ["zone"] = zone, ["asOf"] = "2024-06-01" });
        Assert.True((string)second["status"]! == "succeeded", second.ToJsonString());
        Assert.Equal(1, (int)second["counts"]!["parcelsNoLongerIdle"]!);
        Assert.Equal("supplied", await StatusAsync(idle));
        Assert.Equal("idle", await StatusAsync(stalled));
        var after = await (await app.Client.GetAsync($"/api/idle-land/findings?zone={zone}")).JsonAsync();
        Assert.Equal([stalled, unknown], after["items"]!.AsArray().Select(f => (long)f!["parcelId"]!));
    }

    [Theory]
    [InlineData("""{"reason":"owner_busy","from":"2023-01-01"}""", HttpStatusCode.BadRequest, "reason")]
    [InlineData("""{"reason":"petitions"}""", HttpStatusCode.UnprocessableEntity, "from")]
    [InlineData("""{"reason":"petitions","from":"2023-05-01","to":"2023-01-01"}""", HttpStatusCode.UnprocessableEntity, "to")]
    public async Task A_bad_exemption_is_refused(string body, HttpStatusCode status, string field)
    {
        var zone = await app.ZoneAsync();
        var id = await SuppliedAsync(zone, "2022-01-01", 119.35);
        await ProblemAssert.IsProblemAsync(await app.SendAsync(HttpMethod.Post, $"/api/parcels/{id}/idle-exemptions", body), status, field);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM idle_exemption WHERE parcel_id = @id", new { id }));
    }

    [Fact]
    public async Task A_second_run_for_a_zone_while_one_is_queued_is_a_409_naming_it()
    {
        var zone = await app.ZoneAsync();
        await using var conn = await app.OpenAsync();
        var queued = await Dapper.SqlMapper.ExecuteScalarAsync<long>(conn,
            "INSERT INTO job_run (kind, zone_code, as_of, requested_by) VALUES ('idle_land', @zone, current_date, 'test') RETURNING id", new { zone });
        var problem = await ProblemAssert.IsProblemAsync(
            await app.PostAsync("/api/idle-land/runs", new JsonObject { ["zone"] = zone }), HttpStatusCode.Conflict, "zone");
        Assert.Contains($"/api/idle-land/runs/{queued}", (string)problem["run"]!);
    }
}
