using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Infrastructure;

/// <summary>Every date the API accepts lies from 1949-10-01 to a century ahead, and a day that must have come is not after today.</summary>
public sealed class DateBoundsTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Theory]
    [InlineData("0001-01-01", HttpStatusCode.UnprocessableEntity, "1949-10-01")]
    [InlineData("1949-09-30", HttpStatusCode.UnprocessableEntity, "1949-10-01")]
    [InlineData("2999-01-01", HttpStatusCode.UnprocessableEntity, "1949-10-01")]
    [InlineData("2099-01-01", HttpStatusCode.UnprocessableEntity, "future")]
    public async Task An_idle_land_run_at_a_day_out_of_range_is_refused_and_starts_nothing(string asOf, HttpStatusCode status, string reason)
    {
        var zone = await app.ZoneAsync();
        var problem = await ProblemAssert.IsProblemAsync(
            await app.PostAsync("/api/idle-land/runs", new JsonObject { ["zone"] = zone, ["asOf"] = asOf }), status, "asOf");
        Assert.Contains(reason, ProblemAssert.Reason(problem, "asOf"));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM job_run WHERE zone_code = @zone", new { zone }));
    }

    [Theory]
    [InlineData("/api/parcels?asOf=0001-01-01T00:00:00Z", "asOf")]
    [InlineData("/api/parcels?recordedAsOf=1900-01-01T00:00:00Z", "recordedAsOf")]
    public async Task A_read_as_of_an_instant_before_1949_is_refused(string path, string field) =>
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync(path), HttpStatusCode.UnprocessableEntity, field);

    [Theory]
    [InlineData("dealtOn", "0001-01-01")]
    [InlineData("completionBy", "3024-10-15")]
    public async Task A_supply_dated_out_of_range_is_refused_naming_the_date(string field, string value)
    {
        var zone = await app.ZoneAsync();
        var feature = Feature(Rectangle(119.3, 33.8, 100, 100), zone, status: "supplied");
        var supply = Support.Lifecycle.Supply();
        supply[field] = value;
        feature["properties"]!["supply"] = supply;
        var response = await app.PostAsync("/api/parcels", feature, "application/geo+json");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, $"properties.supply.{field}");
        Assert.Contains("1949-10-01", problem.ToJsonString());
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = @zone", new { zone }));
    }
}
