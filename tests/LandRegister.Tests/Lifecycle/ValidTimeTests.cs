using Dapper;
using Npgsql;
using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Lifecycle;

/// <summary>
/// When things happened (valid time) beside when the register learnt them (record time): data that arrives late, a
/// change recorded for the past, and an auditor asking what the register said at the time.
/// </summary>
public sealed class ValidTimeTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static int column;

    /// <summary>A parcel of its own place in a new zone, registered as existing since <paramref name="since"/>.</summary>
    async Task<(string Zone, long Id)> ParcelSinceAsync(string since, string status = "clean_land")
    {
        var zone = await app.ZoneAsync();
        var feature = Feature(Rectangle(119.3 + 0.01 * Interlocked.Increment(ref column), 33.8, 200, 200), zone, status: status);
        feature["properties"]!["effectiveDate"] = since;
        if (status is not ("raw_land" or "clean_land")) feature["properties"]!["supply"] = SuppliedTo(ValidCreditCode, since)["supply"]!.DeepClone();
        return (zone, (long)(await app.CreateParcelAsync(feature))["id"]!);
    }

    async Task<JsonObject> ParcelAsOfAsync(long id, string query) => await (await app.Client.GetAsync($"/api/parcels/{id}?{query}")).JsonAsync();

    async Task<JsonArray> ListAsOfAsync(string zone, string query) =>
        (await (await app.Client.GetAsync($"/api/parcels?zone={zone}&{query}")).JsonAsync())["features"]!.AsArray();

    static string Q(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O"));

    [Fact]
    public async Task A_register_loaded_today_answers_for_the_past_by_when_things_happened()
    {
        var before = DateTimeOffset.UtcNow;
        var (zone, id) = await ParcelSinceAsync("2019-03-01");

        // By valid time the parcel existed in mid-2025, and not before 2019-03-01.
        Assert.Single(await ListAsOfAsync(zone, "asOf=2025-06-30T00:00:00%2B08:00"));
        Assert.Empty(await ListAsOfAsync(zone, "asOf=2019-02-28T00:00:00%2B08:00"));
        Assert.Equal("clean_land", (string)(await ParcelAsOfAsync(id, "asOf=2025-06-30T00:00:00Z"))["properties"]!["status"]!);
        // As the register stood before it was loaded, nothing was recorded: not by id, not in the list.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/parcels/{id}?recordedAsOf={Q(before)}")).StatusCode);
        Assert.Empty(await ListAsOfAsync(zone, $"recordedAsOf={Q(before)}"));
        Assert.Empty(await ListAsOfAsync(zone, $"asOf=2025-06-30T00:00:00Z&recordedAsOf={Q(before)}"));
    }

    [Fact]
    public async Task A_transition_recorded_late_falls_into_place_and_an_auditor_still_sees_what_was_said_at_the_time()
    {
        var (_, id) = await ParcelSinceAsync("2018-01-01", "in_use");
        var revitalizing = To("revitalizing", "技改扩能");
        revitalizing["method"] = "technical_upgrade";
        await app.WalkAsync(id, revitalizing.On("2024-06-01"));
        var beforeLate = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        // Learnt today: in March 2023 the bureau had designated the land low-efficiency (production stopped a year).
        var designation = To("low_efficiency", "停产一年以上");
        designation["basis"] = "production_stopped";
        designation["evidenceRef"] = "涟开管〔2023〕5号";
        var response = await app.TransitionAsync(id, designation.On("2023-03-01"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The status set later stays: the designation only fills the time before it.
        Assert.Equal("revitalizing", (string)(await response.JsonAsync())["properties"]!["status"]!);

        string StatusOf(JsonObject feature) => (string)feature["properties"]!["status"]!;
        Assert.Equal("in_use", StatusOf(await ParcelAsOfAsync(id, "asOf=2022-12-31T00:00:00Z")));
        Assert.Equal("low_efficiency", StatusOf(await ParcelAsOfAsync(id, "asOf=2023-12-31T00:00:00Z")));
        Assert.Equal("revitalizing", StatusOf(await ParcelAsOfAsync(id, "asOf=2024-12-31T00:00:00Z")));
        Assert.Equal("revitalizing", StatusOf(await ParcelAsOfAsync(id, "")));
        // What the register said before the designation was recorded: in use throughout 2023.
        Assert.Equal("in_use", StatusOf(await ParcelAsOfAsync(id, $"asOf=2023-12-31T00:00:00Z&recordedAsOf={Q(beforeLate)}")));
    }

    [Fact]
    public async Task A_late_transition_that_contradicts_a_later_one_is_refused_naming_it_and_writes_nothing()
    {
        var (_, id) = await ParcelSinceAsync("2020-01-01");
        await app.WalkAsync(id, ToSupplied().On("2024-05-01"));
        // Recorded for 2023: the clean land went back to raw land. The supply of 2024 could not follow raw land.
        var history = await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id });
        var refused = await ProblemAssert.IsProblemAsync(await app.TransitionAsync(id, To("raw_land").On("2023-06-01")),
            HttpStatusCode.Conflict, "effectiveDate");
        Assert.Equal(2, (int)refused["contradicts"]!["version"]!);
        Assert.Equal("supplied", (string)refused["contradicts"]!["status"]!);
        Assert.Contains("Version 2", (string)refused["detail"]!);
        Assert.Equal(history, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id }));
    }

    [Fact]
    public async Task A_late_attribute_change_keeps_what_later_changes_set_again()
    {
        var (_, id) = await ParcelSinceAsync("2020-01-01");
        var rename = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}",
            """{"properties":{"name":"新名称"}}""", "application/merge-patch+json", await app.ETagAsync(id));
        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        // Learnt late: in 2022 the parcel was named 旧名称 and its use found to be commercial.
        var late = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}",
            """{"effectiveDate":"2022-01-01","properties":{"name":"旧名称","actualUse":"0901"}}""", "application/merge-patch+json",
            await app.ETagAsync(id));
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var now = (await late.JsonAsync())["properties"]!;
        Assert.Equal("新名称", (string)now["name"]!);       // set again later: kept
        Assert.Equal("0901", (string)now["actualUse"]!);   // not changed since: taken
        var then = (await ParcelAsOfAsync(id, "asOf=2023-01-01T00:00:00Z"))["properties"]!;
        Assert.Equal("旧名称", (string)then["name"]!);
        Assert.Equal("0901", (string)then["actualUse"]!);
    }

    [Fact]
    public async Task A_run_over_a_zone_in_the_past_rebuilds_only_the_parcels_changed_since_and_finds_what_the_whole_history_says()
    {
        var zone = await app.ZoneAsync();
        async Task<long> CreateAsync(string? since, string status = "clean_land", JsonObject? supply = null)
        {
            var feature = Feature(Rectangle(119.3 + 0.01 * Interlocked.Increment(ref column), 33.8, 200, 150), zone, status: status);
            if (since is not null) feature["properties"]!["effectiveDate"] = since;
            if (supply is not null) feature["properties"]!["supply"] = supply;
            return (long)(await app.CreateParcelAsync(feature))["id"]!;
        }
        async Task PatchAsync(long id, string body) =>
            Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", body, "application/merge-patch+json",
                await app.ETagAsync(id))).StatusCode);

        await CreateAsync("2017-01-01");                                                   // never changed
        var walked = await CreateAsync("2019-01-01");
        await app.WalkAsync(walked, SuppliedTo(ValidCreditCode, "2021-03-01").On("2021-03-01"), To("under_construction").On("2022-06-01"),
            To("in_use").On("2023-06-01"));
        var renamed = await CreateAsync("2020-01-01");
        await PatchAsync(renamed, """{"properties":{"name":"新名称"}}""");
        var beforeLate = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await PatchAsync(renamed, """{"effectiveDate":"2022-01-01","properties":{"name":"旧名称","actualUse":"0901"}}""");
        var designated = await CreateAsync("2018-01-01", "in_use", SuppliedTo(ValidCreditCode, "2018-01-01")["supply"]!.DeepClone().AsObject());
        var revitalizing = To("revitalizing", "技改扩能");
        revitalizing["method"] = "technical_upgrade";
        await app.WalkAsync(designated, revitalizing.On("2024-06-01"));
        var designation = To("low_efficiency", "停产一年以上");
        designation["basis"] = "production_stopped";
        designation["evidenceRef"] = "涟开管〔2023〕5号";
        await app.WalkAsync(designated, designation.On("2023-03-01"));
        var takenBack = await CreateAsync("2020-01-01");
        var back = To("clean_land", "解除出让合同，收回土地");
        back["approvalRef"] = "涟自然资〔2024〕21号";
        await app.WalkAsync(takenBack, SuppliedTo(ValidCreditCode, "2022-05-01").On("2022-05-01"), back.On("2024-02-01"));
        var retired = await CreateAsync("2019-06-01");
        Assert.Equal(HttpStatusCode.NoContent, (await app.SendAsync(HttpMethod.Delete, $"/api/parcels/{retired}?effectiveDate=2023-09-01", null,
            ifMatch: await app.ETagAsync(retired))).StatusCode);
        await CreateAsync(null);                                                           // exists from today only

        const string Attributes = """
            id, zone_code, code, park_code, name, planned_use, actual_use, status, status_source, registered_area_m2, area_m2, supply_id,
            clean_checklist::text AS clean_checklist, construction_started_on, retired_at, existed_from, parent_ids
            """;
        await using var conn = await app.OpenAsync();
        async Task<string> ReadAsync(string? parcels, DateTimeOffset asOf, DateTimeOffset? recordedAsOf, NpgsqlTransaction? tx = null) =>
            System.Text.Json.JsonSerializer.Serialize(await conn.QueryAsync(
                $"{(parcels is null ? "" : $"WITH {parcels}")} SELECT {Attributes} FROM parcel WHERE zone_code = @zone ORDER BY id",
                new { zone, asOf, recordedAsOf }, tx));
        var instants = new[] { "2018-06-30", "2021-12-31", "2022-12-31", "2023-06-30", "2023-12-31", "2024-12-31" }
            .Select(d => DateTimeOffset.Parse(d + "T16:00:00Z")).Append(beforeLate).Append(DateTimeOffset.UtcNow.AddSeconds(1));
        var rebuilt = 0;
        foreach (var asOf in instants)
            foreach (var recordedAsOf in new DateTimeOffset?[] { null, beforeLate })
            {
                var history = await ReadAsync(LandRegister.Api.Parcels.ParcelSql.AsOf("h.zone_code = @zone", withGeometry: false), asOf, recordedAsOf);
                await using var tx = await conn.BeginTransactionAsync();
                var then = await LandRegister.Api.Parcels.ParcelSql.ZoneAsOfAsync(conn, tx, zone, asOf, recordedAsOf);
                Assert.Equal(history, await ReadAsync(then, asOf, recordedAsOf, tx));
                rebuilt += then is null ? 0 : 1;
            }
        // All but the last instant (after every change, as recorded now) had parcels changed since, rebuilt from their history.
        Assert.Equal(15, rebuilt);
        // At the end of 2023 the designated parcel was low-efficiency, not as it is now: the instants compared were of the past.
        Assert.Contains("\"low_efficiency\"", await ReadAsync(LandRegister.Api.Parcels.ParcelSql.AsOf("h.zone_code = @zone", withGeometry: false),
            DateTimeOffset.Parse("2023-12-31T16:00:00Z"), null));
    }

    [Theory]
    [InlineData("2999-01-01", HttpStatusCode.UnprocessableEntity)]  // the future
    [InlineData("2018-12-31", HttpStatusCode.UnprocessableEntity)]  // before the parcel existed
    [InlineData("01/05/2024", HttpStatusCode.BadRequest)]           // not a date
    public async Task A_bad_effective_date_is_refused_naming_it_and_writes_nothing(string date, HttpStatusCode status)
    {
        var (_, id) = await ParcelSinceAsync("2019-01-01");
        var history = await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id });
        var body = ToSupplied();
        body["effectiveDate"] = date;
        var response = await app.TransitionAsync(id, body);
        if (status == HttpStatusCode.BadRequest) Assert.Equal(status, response.StatusCode);
        else await ProblemAssert.IsProblemAsync(response, status, "effectiveDate");
        var patch = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", $$$"""{"effectiveDate":"{{{date}}}","properties":{"name":"x"}}""",
            "application/merge-patch+json", await app.ETagAsync(id));
        Assert.True(patch.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{(int)patch.StatusCode}");
        Assert.Equal(history, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id }));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_supply WHERE parcel_id = @id", new { id }));
    }

    [Fact]
    public async Task A_parcel_created_with_a_future_effective_date_is_refused_and_nothing_is_written()
    {
        var zone = await app.ZoneAsync();
        var before = await app.CountParcelsAsync();
        var feature = Feature(Rectangle(119.2, 33.7, 100, 100), zone);
        feature["properties"]!["effectiveDate"] = "2999-01-01";
        var response = await app.PostAsync("/api/parcels", feature, "application/geo+json");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "properties.effectiveDate");
        Assert.Equal(before, await app.CountParcelsAsync());
    }

    [Fact]
    public async Task An_import_takes_an_effective_date_for_the_file_or_per_feature()
    {
        var zone = await app.ZoneAsync();
        var first = Feature(Rectangle(119.25, 33.75, 100, 100), zone, code: Unique("IMP"));
        var second = Feature(Rectangle(119.26, 33.75, 100, 100), zone, code: Unique("IMP"));
        second["properties"]!["effectiveDate"] = "2018-07-01";
        var file = new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(first, second) };
        var response = await app.SendAsync(HttpMethod.Post, $"/api/parcels/import?zone={zone}&effectiveDate=2020-01-01", file.ToJsonString(),
            "application/geo+json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await ListAsOfAsync(zone, "asOf=2019-01-01T00:00:00Z"));
        Assert.Equal(2, (await ListAsOfAsync(zone, "asOf=2020-06-01T00:00:00Z")).Count);
        var future = await app.SendAsync(HttpMethod.Post, $"/api/parcels/import?zone={zone}&effectiveDate=2999-01-01", file.ToJsonString(),
            "application/geo+json");
        await ProblemAssert.IsProblemAsync(future, HttpStatusCode.UnprocessableEntity, "effectiveDate");
    }
}
