using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Parcels;

/// <summary>
/// Pages of parcels are written from their rows by ParcelJson, single parcels by the serializer: both must say the same
/// thing, to the last digit, for every role and every shape of attribute a parcel can hold.
/// </summary>
public sealed class ParcelPageTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    /// <summary>
    /// A zone of 120 irregular touching parcels, imported, then given every kind of attribute: names with quotes and
    /// escapes, registered areas, full and partial clean-land checklists, construction dates, lineage, retirement.
    /// </summary>
    async Task<string> ZoneOfEveryShapeAsync()
    {
        var zone = await app.ZoneAsync(4549);
        string file;
        await using (var conn = await app.OpenAsync()) file = await GeneratedCadastre.FeatureCollectionAsync(conn, parcels: 120, sideM: 1500, seed: 7);
        var imported = await app.SendAsync(HttpMethod.Post, $"/api/parcels/import?zone={zone}&mapping=registeredAreaM2:contenance", file, "application/geo+json");
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        await using var db = await app.OpenAsync();
        await db.ExecuteAsync("""
            WITH numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM parcel WHERE zone_code = @zone)
            UPDATE parcel p SET
                name = CASE n % 4 WHEN 0 THEN '厂房 "一期" \ 备用' WHEN 1 THEN E'line\tbreak\nend' WHEN 2 THEN NULL ELSE 'Ä ö 🏭' END,
                registered_area_m2 = CASE WHEN n % 3 = 0 THEN NULL WHEN n % 3 = 1 THEN 1234.50 ELSE registered_area_m2 END,
                clean_checklist = CASE n % 5 WHEN 0 THEN '{"titleClear":true,"resettlementSettled":true,"noDispute":true,"planningConditionsSet":true,"siteReady":true}'::jsonb
                                             WHEN 1 THEN '{"siteReady":false,"titleClear":true}'::jsonb END,
                construction_started_on = CASE WHEN n % 2 = 0 THEN date '2023-03-01' + n::int END,
                parent_ids = CASE WHEN n % 7 = 0 THEN ARRAY[n, n + 1] ELSE parent_ids END,
                actual_use = CASE WHEN n % 6 = 0 THEN '0701' END,
                retired_at = CASE WHEN n % 11 = 0 THEN now() - interval '1 day' END
            FROM numbered WHERE p.id = numbered.id
            """, new { zone });
        return zone;
    }

    [Theory]
    [InlineData(LandRegister.Api.Access.Roles.Admin)]
    [InlineData(LandRegister.Api.Access.Roles.Promoter)]
    [InlineData(LandRegister.Api.Access.Roles.Viewer)]
    public async Task Every_feature_of_a_page_is_the_parcel_as_the_api_answers_it_alone(string role)
    {
        var zone = await ZoneOfEveryShapeAsync();
        var client = await app.ClientForAsync(role, zone);
        var page = await (await client.GetAsync($"/api/parcels?zone={zone}&includeRetired=true&limit=1000")).JsonAsync();
        var features = page["features"]!.AsArray();
        Assert.Equal(await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = @zone", new { zone }), features.Count);
        Assert.Equal(features.Count, (int)page["numberMatched"]!);
        foreach (var feature in features)
        {
            var alone = await (await client.GetAsync($"/api/parcels/{feature!["id"]}")).JsonAsync();
            Assert.True(JsonNode.DeepEquals(alone, feature), $"page: {feature.ToJsonString()}\nalone: {alone.ToJsonString()}");
        }
        var names = features[0]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        if (role == LandRegister.Api.Access.Roles.Viewer) Assert.DoesNotContain("name", names);
        else Assert.Contains("createdBy", names);
    }

    [Fact]
    public async Task A_page_of_the_past_and_the_ogc_items_agree_with_their_single_parcels()
    {
        var zone = await ZoneOfEveryShapeAsync();
        var asOf = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"));
        var past = await (await app.Client.GetAsync($"/api/parcels?zone={zone}&asOf={asOf}&limit=1000")).JsonAsync();
        var items = await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&limit=1000")).JsonAsync();
        Assert.NotEmpty(past["features"]!.AsArray());
        foreach (var feature in past["features"]!.AsArray().Take(40))
        {
            var alone = await (await app.Client.GetAsync($"/api/parcels/{feature!["id"]}?asOf={asOf}")).JsonAsync();
            Assert.True(JsonNode.DeepEquals(alone, feature), $"page: {feature.ToJsonString()}\nalone: {alone.ToJsonString()}");
        }
        foreach (var feature in items["features"]!.AsArray().Take(40))
        {
            var alone = await (await app.Client.GetAsync($"/ogc/collections/parcels/items/{feature!["id"]}")).JsonAsync();
            alone.Remove("links");
            Assert.True(JsonNode.DeepEquals(alone, feature), $"page: {feature.ToJsonString()}\nalone: {alone.ToJsonString()}");
        }
        var chosen = await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&properties=status,areaMu&limit=5")).JsonAsync();
        Assert.All(chosen["features"]!.AsArray(), f => Assert.Equal(["status", "areaMu"], f!["properties"]!.AsObject().Select(p => p.Key)));
    }

    /// <summary>
    /// A page is written whole, its features one after another in one buffer, and sent with its length: the pages of a
    /// walk (each read one row past its limit, which is not written) hold the whole list's features in order, each page as
    /// long as it says, from one feature to the whole list, larger than the buffer's first size (64 KiB).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(100)]
    public async Task Pages_cut_from_a_list_are_the_list_in_order_and_as_long_as_they_say(int limit)
    {
        var zone = await ZoneOfEveryShapeAsync();
        using var wholeResponse = await app.Client.GetAsync($"/api/parcels?zone={zone}&limit=1000");
        var wholeBody = await wholeResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(wholeBody.Length, wholeResponse.Content.Headers.ContentLength);
        Assert.True(wholeBody.Length > 64 * 1024, $"the whole list is {wholeBody.Length} bytes, within the page buffer's first 64 KiB");
        var expected = JsonNode.Parse(wholeBody)!["features"]!.AsArray();
        var walked = new List<JsonNode>();
        var next = $"/api/parcels?zone={zone}&limit={limit}";
        while (next is not null)
        {
            using var response = await app.Client.GetAsync(next);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            var page = JsonNode.Parse(body)!;
            var features = page["features"]!.AsArray();
            Assert.Equal(features.Count, (int)page["numberReturned"]!);
            Assert.InRange(features.Count, 1, limit);
            walked.AddRange(features.Select(f => f!.DeepClone()));
            next = page["links"]!.AsArray().FirstOrDefault(l => (string?)l!["rel"] == "next")?["href"]?.GetValue<string>();
            if (next is not null) Assert.Equal(limit, features.Count);
        }
        Assert.Equal(expected.Count, walked.Count);
        for (var i = 0; i < walked.Count; i++)
            Assert.True(JsonNode.DeepEquals(expected[i], walked[i]), $"feature {i}: {walked[i].ToJsonString()}\nexpected: {expected[i]!.ToJsonString()}");
    }
}
