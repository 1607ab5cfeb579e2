using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Access;

/// <summary>Injection strings in every query parameter and JSON field of the parcel API are refused or kept as plain text.</summary>
public sealed class InjectionTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    public static readonly string[] Attacks =
    [
        "'", "\"", "'; DROP TABLE parcel; --", "' OR 1=1 --", "1001' OR '1'='1", "\\u0027 OR \\u00271\\u0027=\\u00271",
        "$$; DELETE FROM parcel; $$", "%' OR '%'='", "\u0000", "\u202e'--", "') UNION SELECT secret_hash FROM api_key --",
    ];

    static readonly string[] QueryParameters =
        ["status", "plannedUse", "park", "zone", "minAreaMu", "maxAreaMu", "bbox", "intersects", "crs", "includeRetired", "limit", "cursor"];

    static readonly string[] TextFields = ["code", "zoneCode", "parkCode", "name", "plannedUse", "actualUse", "status"];

    public static TheoryData<string, int> QueryCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var p in QueryParameters) for (var i = 0; i < Attacks.Length; i++) data.Add(p, i);
        return data;
    }

    public static TheoryData<string, int> FieldCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var f in TextFields) for (var i = 0; i < Attacks.Length; i++) data.Add(f, i);
        return data;
    }

    Task<string> Fingerprint() => app.ScalarAsync<string>("""
        SELECT md5(coalesce((SELECT string_agg(row_to_json(p)::text, '' ORDER BY id) FROM parcel p), '')
                || (SELECT count(*) FROM api_key) || (SELECT count(*) FROM zone))
        """);

    async Task<(string Zone, long Id, string ETag)> ParcelAsync()
    {
        var zone = await app.ZoneAsync();
        var created = await app.CreateParcelAsync(Feature(Rectangle(119.3, 33.8, 100, 100), zone));
        var id = (long)created["id"]!;
        return (zone, id, (await app.Client.GetAsync($"/api/parcels/{id}")).Headers.ETag!.ToString());
    }

    [Theory]
    [MemberData(nameof(QueryCases))]
    public async Task A_query_parameter_is_refused_or_matches_nothing_and_changes_nothing(string parameter, int attack)
    {
        await ParcelAsync();
        var before = await Fingerprint();
        var response = await app.Client.GetAsync($"/api/parcels?{parameter}={Uri.EscapeDataString(Attacks[attack])}");
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
            $"{parameter}={Attacks[attack]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (response.StatusCode == HttpStatusCode.OK)
            Assert.Equal(0, (int)(await response.JsonAsync())["numberMatched"]!);
        Assert.Equal(before, await Fingerprint());
    }

    [Theory]
    [MemberData(nameof(FieldCases))]
    public async Task A_field_on_create_is_refused_or_stored_as_plain_text(string field, int attack)
    {
        var zone = await app.ZoneAsync();
        var feature = Feature(Rectangle(119.3, 33.8, 100, 100), zone);
        feature["properties"]![field] = Attacks[attack];
        var before = await Fingerprint();
        var response = await app.PostAsync("/api/parcels", feature, "application/geo+json");
        if (response.StatusCode == HttpStatusCode.Created)
        {
            Assert.True(field is "code" or "name", $"{field} accepted '{Attacks[attack]}'");
            var id = (long)(await response.JsonAsync())["id"]!;
            var column = field == "code" ? "code" : "name";
            Assert.Equal(Attacks[attack].Trim(), await app.ScalarAsync<string>($"SELECT {column} FROM parcel WHERE id = @id", new { id }));
        }
        else
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
                $"{field}={Attacks[attack]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(before, await Fingerprint());
        }
    }

    [Theory]
    [MemberData(nameof(FieldCases))]
    public async Task A_field_in_a_patch_is_refused_or_stored_as_plain_text(string field, int attack)
    {
        var (_, id, etag) = await ParcelAsync();
        var before = await Fingerprint();
        var patch = new JsonObject { ["properties"] = new JsonObject { [field] = Attacks[attack] } };
        var response = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", patch.ToJsonString(), "application/merge-patch+json", etag);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.True(field is "code" or "name", $"{field} accepted '{Attacks[attack]}'");
            var column = field == "code" ? "code" : "name";
            Assert.Equal(Attacks[attack].Trim(), await app.ScalarAsync<string>($"SELECT {column} FROM parcel WHERE id = @id", new { id }));
        }
        else
        {
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity,
                $"{field}={Attacks[attack]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(before, await Fingerprint());
        }
    }
}
