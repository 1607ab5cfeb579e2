using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using Npgsql;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Lifecycle;

public sealed class HistoryTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    async Task<(string Zone, long Id)> ParcelAsync(string status = "raw_land", string plannedUse = "100101")
    {
        var zone = await app.ZoneAsync();
        var id = (long)(await app.CreateParcelAsync(Feature(Rectangle(119.3, 33.8, 200, 200), zone, status: status, plannedUse: plannedUse)))["id"]!;
        return (zone, id);
    }

    async Task<HttpResponseMessage> PatchAsync(long id, string body) =>
        await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", body, "application/merge-patch+json", await app.ETagAsync(id));

    [Fact]
    public async Task Every_change_is_kept_with_actor_reason_and_values_before_and_after()
    {
        var (_, id) = await ParcelAsync();
        await PatchAsync(id, """{"properties":{"name":"东区5号"},"reason":"命名"}""");
        await app.WalkAsync(id, ToClean());
        await PatchAsync(id, new JsonObject { ["geometry"] = Rectangle(119.3, 33.8, 250, 200) }.ToJsonString());

        var history = await (await app.Client.GetAsync($"/api/parcels/{id}/history")).JsonAsync();
        var entries = history["entries"]!.AsArray();
        Assert.Equal(["created", "updated", "transition", "updated"], entries.Select(e => (string)e!["kind"]!));
        Assert.All(entries, e => Assert.Equal("admin", (string)e!["actor"]!));
        Assert.Equal("命名", (string)entries[1]!["reason"]!);
        Assert.Equal("东区5号", (string)entries[1]!["changes"]!["name"]!["after"]!);
        Assert.Null(entries[1]!["changes"]!["name"]!["before"]);
        var transition = entries[2]!;
        Assert.Equal("raw_land", (string)transition["changes"]!["status"]!["before"]!);
        Assert.Equal("clean_land", (string)transition["changes"]!["status"]!["after"]!);
        Assert.Equal("raw_land", (string)transition["details"]!["from"]!);
        Assert.NotNull(transition["details"]!["effectiveDate"]);
        Assert.True((bool)entries[3]!["geometryChanged"]!);
        Assert.False((bool)entries[1]!["geometryChanged"]!);
        Assert.True((double)entries[3]!["changes"]!["areaM2"]!["after"]! > (double)entries[3]!["changes"]!["areaM2"]!["before"]!);
        Assert.Equal([1, 2, 3, 4], entries.Select(e => (int)e!["version"]!));
    }

    [Fact]
    public async Task The_history_cannot_be_rewritten_and_parcels_cannot_be_deleted()
    {
        var (_, id) = await ParcelAsync();
        await using var conn = await app.OpenAsync();
        await Assert.ThrowsAsync<PostgresException>(() => Dapper.SqlMapper.ExecuteAsync(conn, "DELETE FROM parcel WHERE id = @id", new { id }));
        await Assert.ThrowsAsync<PostgresException>(() => Dapper.SqlMapper.ExecuteAsync(conn, "UPDATE parcel_history SET reason = 'x' WHERE parcel_id = @id", new { id }));
        await Assert.ThrowsAsync<PostgresException>(() => Dapper.SqlMapper.ExecuteAsync(conn, "DELETE FROM parcel_history WHERE parcel_id = @id", new { id }));
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id }));
    }

    [Fact]
    public async Task As_of_a_moment_before_a_change_the_parcel_has_its_old_status_and_geometry()
    {
        var (zone, id) = await ParcelAsync();
        var old = await (await app.Client.GetAsync($"/api/parcels/{id}")).JsonAsync();
        await Task.Delay(20);
        var moment = await app.ScalarAsync<DateTime>("SELECT now()");
        await Task.Delay(20);
        await app.WalkAsync(id, ToClean());
        await PatchAsync(id, new JsonObject { ["geometry"] = Rectangle(119.31, 33.81, 400, 100) }.ToJsonString());
        var later = await app.CreateParcelAsync(Feature(Rectangle(119.4, 33.9, 100, 100), zone));

        var asOf = Uri.EscapeDataString(moment.ToString("O"));
        var then = await (await app.Client.GetAsync($"/api/parcels/{id}?asOf={asOf}")).JsonAsync();
        Assert.Equal("raw_land", (string)then["properties"]!["status"]!);
        Assert.True(JsonNode.DeepEquals(old["geometry"], then["geometry"]));
        var now = await (await app.Client.GetAsync($"/api/parcels/{id}")).JsonAsync();
        Assert.Equal("clean_land", (string)now["properties"]!["status"]!);
        Assert.False(JsonNode.DeepEquals(old["geometry"], now["geometry"]));

        var list = await (await app.Client.GetAsync($"/api/parcels?zone={zone}&asOf={asOf}")).JsonAsync();
        Assert.Equal([id], list["features"]!.AsArray().Select(f => (long)f!["id"]!));
        Assert.Equal("raw_land", (string)list["features"]![0]!["properties"]!["status"]!);
        Assert.Equal(0, (int)(await (await app.Client.GetAsync($"/api/parcels?zone={zone}&asOf={asOf}&status=clean_land")).JsonAsync())["numberMatched"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/parcels/{(long)later["id"]!}?asOf={asOf}")).StatusCode);
    }

    [Fact]
    public async Task A_retired_parcel_is_listed_as_of_before_its_retirement()
    {
        var (zone, id) = await ParcelAsync();
        await Task.Delay(20);
        var moment = Uri.EscapeDataString((await app.ScalarAsync<DateTime>("SELECT now()")).ToString("O"));
        await app.SendAsync(HttpMethod.Delete, $"/api/parcels/{id}?reason=并入道路", ifMatch: await app.ETagAsync(id));
        Assert.Equal(0, (int)(await (await app.Client.GetAsync($"/api/parcels?zone={zone}")).JsonAsync())["numberMatched"]!);
        Assert.Equal(1, (int)(await (await app.Client.GetAsync($"/api/parcels?zone={zone}&asOf={moment}")).JsonAsync())["numberMatched"]!);
        var last = (await (await app.Client.GetAsync($"/api/parcels/{id}/history")).JsonAsync())["entries"]!.AsArray()[^1]!;
        Assert.Equal("retired", (string)last["kind"]!);
        Assert.Equal("并入道路", (string)last["reason"]!);
    }

    [Fact]
    public async Task A_change_of_planned_use_needs_an_approval_reference()
    {
        var (_, id) = await ParcelAsync(status: "in_use", plannedUse: "0901");
        await ProblemAssert.IsProblemAsync(await PatchAsync(id, """{"properties":{"plannedUse":"0701"}}"""), HttpStatusCode.UnprocessableEntity, "approvalRef");
        Assert.Equal("0901", await app.ScalarAsync<string>("SELECT planned_use FROM parcel WHERE id = @id", new { id }));
        // Sending back an unchanged planned use needs nothing.
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(id, """{"properties":{"plannedUse":"0901","name":"x"}}""")).StatusCode);
        var ok = await PatchAsync(id, """{"properties":{"plannedUse":"0701"},"approvalRef":"涟自然资规〔2024〕3号","reason":"调整规划"}""");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var last = (await (await app.Client.GetAsync($"/api/parcels/{id}/history")).JsonAsync())["entries"]!.AsArray()[^1]!;
        Assert.Equal("涟自然资规〔2024〕3号", (string)last["details"]!["approvalRef"]!);
    }

    [Fact]
    public async Task Use_mismatch_lists_parcels_whose_actual_use_is_not_the_planned_one()
    {
        var zone = await app.ZoneAsync();
        var made = 0;
        async Task<long> Make(string planned, string? actual)
        {
            var feature = Feature(Rectangle(119.3 + 0.002 * made++, 33.8, 100, 100), zone, status: "in_use", plannedUse: planned);
            feature["properties"]!["actualUse"] = actual;
            return (long)(await app.CreateParcelAsync(feature))["id"]!;
        }
        var school = await Make("100101", "0804");   // industrial building leased to a school
        var housing = await Make("0901", "0701");    // commercial land used as housing
        await Make("1001", "100102");                // a sub-code of the planned use: no mismatch
        await Make("100101", null);                  // actual use not surveyed
        await Make("0901", "0901");
        var page = await (await app.Client.GetAsync($"/api/parcels?zone={zone}&useMismatch=true")).JsonAsync();
        Assert.Equal(new[] { school, housing }.Order(), page["features"]!.AsArray().Select(f => (long)f!["id"]!).Order());
        Assert.Equal(3, (int)(await (await app.Client.GetAsync($"/api/parcels?zone={zone}&useMismatch=false")).JsonAsync())["numberMatched"]!);
    }

    [Fact]
    public async Task History_is_not_for_viewers()
    {
        var (_, id) = await ParcelAsync();
        var viewer = await app.ClientForAsync("viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/parcels/{id}/history")).StatusCode);
    }
}
