using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Lifecycle;

/// <summary>Each rule of the lifecycle, through the API; each test fails if its rule is removed.</summary>
public sealed class TransitionTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    async Task<long> ParcelAsync(string status = "raw_land")
    {
        var zone = await app.ZoneAsync();
        return (long)(await app.CreateParcelAsync(Feature(Rectangle(119.3, 33.8, 300, 300), zone, status: status)))["id"]!;
    }

    async Task<JsonObject> RefusedAsync(long id, JsonObject body, HttpStatusCode status, string field)
    {
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id });
        var problem = await ProblemAssert.IsProblemAsync(await app.TransitionAsync(id, body), status, field);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id }));
        return problem;
    }

    [Fact]
    public async Task Raw_land_becomes_clean_land_only_with_the_whole_checklist()
    {
        var id = await ParcelAsync();
        var none = await RefusedAsync(id, To("clean_land"), HttpStatusCode.UnprocessableEntity, "checklist.titleClear");
        Assert.Equal(5, none["errors"]!.AsObject().Count);
        var partial = ToClean();
        partial["checklist"]!["noDispute"] = false;
        var problem = await RefusedAsync(id, partial, HttpStatusCode.UnprocessableEntity, "checklist.noDispute");
        Assert.Single(problem["errors"]!.AsObject());

        var response = await app.TransitionAsync(id, ToClean());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var properties = (await response.JsonAsync())["properties"]!;
        Assert.Equal("clean_land", (string)properties["status"]!);
        Assert.True((bool)properties["cleanLandChecklist"]!["siteReady"]!);
    }

    [Fact]
    public async Task Raw_land_cannot_be_supplied_and_the_409_lists_the_allowed_targets()
    {
        var id = await ParcelAsync();
        var problem = await RefusedAsync(id, ToSupplied(), HttpStatusCode.Conflict, "to");
        Assert.Contains("净地出让", (string)problem["detail"]!);
        Assert.Equal(["clean_land"], problem["allowed"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task By_hand_low_efficiency_and_idle_are_reached_only_from_in_use_and_only_with_their_evidence()
    {
        var supplied = await ParcelAsync("supplied");
        var problem = await RefusedAsync(supplied, To("low_efficiency"), HttpStatusCode.Conflict, "to");
        Assert.Contains("runs", (string)problem["detail"]!);
        await RefusedAsync(supplied, To("idle"), HttpStatusCode.Conflict, "to");

        var id = await ParcelAsync("in_use");
        var bare = await RefusedAsync(id, To("low_efficiency"), HttpStatusCode.UnprocessableEntity, "basis");
        Assert.Contains("evidenceRef", bare["errors"]!.AsObject().Select(e => e.Key));
        var unknown = To("low_efficiency");
        unknown["basis"] = "looks_poor";
        unknown["evidenceRef"] = "涟开管〔2025〕12号";
        Assert.Contains("production_stopped", (await RefusedAsync(id, unknown, HttpStatusCode.BadRequest, "basis"))["allowed"]!.ToJsonString());
        var noEvidence = To("low_efficiency");
        noEvidence["basis"] = "production_stopped";
        await RefusedAsync(id, noEvidence, HttpStatusCode.UnprocessableEntity, "evidenceRef");
        await RefusedAsync(id, To("idle"), HttpStatusCode.UnprocessableEntity, "vacantSince");
        var basisElsewhere = To("revitalizing");
        basisElsewhere["method"] = "technical_upgrade";
        basisElsewhere["basis"] = "other";
        await RefusedAsync(id, basisElsewhere, HttpStatusCode.UnprocessableEntity, "basis");

        var designation = To("low_efficiency", "停产一年以上");
        designation["basis"] = "production_stopped";
        designation["evidenceRef"] = "涟开管〔2025〕12号";
        await app.WalkAsync(id, designation);
        var details = await app.ScalarAsync<string>(
            "SELECT details::text FROM parcel_history WHERE parcel_id = @id ORDER BY version DESC LIMIT 1", new { id });
        Assert.Contains("production_stopped", details);
        Assert.Contains("涟开管〔2025〕12号", details);
        Assert.Equal("manual", await app.ScalarAsync<string>("SELECT status_source FROM parcel WHERE id = @id", new { id }));

        // A building left unused on completion makes its land idle (Yongzhou §13).
        var vacant = await ParcelAsync("in_use");
        var idle = To("idle", "厂房竣工后一直空置");
        idle["vacantSince"] = "2024-05-01";
        await app.WalkAsync(vacant, idle);
        Assert.Contains("2024-05-01", await app.ScalarAsync<string>(
            "SELECT details::text FROM parcel_history WHERE parcel_id = @vacant ORDER BY version DESC LIMIT 1", new { vacant }));
    }

    [Fact]
    public async Task Land_in_use_is_acquired_or_demolished_straight_back_to_raw_land_and_its_holder_is_gone()
    {
        foreach (var from in new[] { "in_use", "low_efficiency", "idle" })
        {
            var id = await ParcelAsync(from);
            await RefusedAsync(id, To("raw_land"), HttpStatusCode.UnprocessableEntity, "approvalRef");
            var acquired = To("raw_land", "政府收储");
            acquired["approvalRef"] = "涟政复〔2025〕7号";
            await app.WalkAsync(id, acquired);
            Assert.Null(await app.ScalarAsync<long?>("SELECT supply_id FROM parcel WHERE id = @id", new { id }));
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/parcels/{id}/supply")).StatusCode);
        }
    }

    [Fact]
    public async Task Supplying_needs_a_valid_supply_record_and_keeps_it()
    {
        var id = await ParcelAsync();
        await app.WalkAsync(id, ToClean());
        await RefusedAsync(id, To("supplied"), HttpStatusCode.UnprocessableEntity, "supply");
        var badCode = ToSupplied();
        badCode["supply"] = Supply("91350100M000100Y44");
        var problem = await RefusedAsync(id, badCode, HttpStatusCode.UnprocessableEntity, "supply.recipientCreditCode");
        Assert.Contains("ends in 3", ProblemAssert.Reason(problem, "supply.recipientCreditCode"));
        var noPrice = ToSupplied();
        noPrice["supply"]!.AsObject().Remove("priceWan");
        await RefusedAsync(id, noPrice, HttpStatusCode.UnprocessableEntity, "supply.priceWan");
        var unknownMethod = ToSupplied();
        unknownMethod["supply"]!["method"] = "lease";
        await RefusedAsync(id, unknownMethod, HttpStatusCode.BadRequest, "supply.method");
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_supply WHERE parcel_id = @id", new { id }));

        await app.WalkAsync(id, ToSupplied());
        var supply = await (await app.Client.GetAsync($"/api/parcels/{id}/supply")).JsonAsync();
        Assert.Equal("transfer", (string)supply["method"]!);
        Assert.Equal("2024-10-15", (string)supply["constructionStartBy"]!);
        Assert.Equal(30, (decimal)supply["commitments"]!["taxPerMuWan"]!);
    }

    [Fact]
    public async Task Supply_figures_reach_only_roles_cleared_for_them()
    {
        var id = await ParcelAsync();
        await app.WalkAsync(id, ToClean(), ToSupplied());
        var promoter = await (await (await app.ClientForAsync("promoter")).GetAsync($"/api/parcels/{id}/supply")).JsonAsync();
        Assert.True(promoter.ContainsKey("dealtOn"));
        foreach (var secret in new[] { "priceWan", "recipientName", "recipientCreditCode", "commitments" })
            Assert.False(promoter.ContainsKey(secret), secret);
        var analyst = await (await (await app.ClientForAsync("analyst")).GetAsync($"/api/parcels/{id}/supply")).JsonAsync();
        Assert.True(analyst.ContainsKey("priceWan"));
    }

    [Fact]
    public async Task Revitalization_needs_a_known_method()
    {
        var zone = await app.ZoneAsync();
        var id = (long)(await app.CreateParcelAsync(Feature(Rectangle(119.3, 33.8, 100, 100), zone, status: "idle")))["id"]!;
        await RefusedAsync(id, To("revitalizing"), HttpStatusCode.UnprocessableEntity, "method");
        var unknown = To("revitalizing");
        unknown["method"] = "magic";
        var problem = await RefusedAsync(id, unknown, HttpStatusCode.BadRequest, "method");
        Assert.Contains("technical_upgrade", problem["allowed"]!.AsArray().Select(a => (string)a!));
        var ok = To("revitalizing");
        ok["method"] = "technical_upgrade";
        await app.WalkAsync(id, ok);
    }

    [Fact]
    public async Task Cancelling_a_supply_needs_an_approval_reference()
    {
        var id = await ParcelAsync();
        await app.WalkAsync(id, ToClean(), ToSupplied());
        await RefusedAsync(id, To("clean_land"), HttpStatusCode.UnprocessableEntity, "approvalRef");
        var back = To("clean_land", "合同解除，收回土地");
        back["approvalRef"] = "涟政复〔2024〕15号";
        await app.WalkAsync(id, back);
    }

    [Theory]
    [InlineData("""{"to":"clean_land"}""", HttpStatusCode.UnprocessableEntity, "reason")]
    [InlineData("""{"to":"vacant","reason":"x"}""", HttpStatusCode.BadRequest, "to")]
    [InlineData("""{"to":"clean_land","reason":"x","effectiveDate":"2999-01-01"}""", HttpStatusCode.UnprocessableEntity, "effectiveDate")]
    [InlineData("""{"to":"clean_land","reason":"x","effectiveDate":"not a date"}""", HttpStatusCode.BadRequest, "effectiveDate")]
    public async Task A_bad_transition_request_is_refused(string body, HttpStatusCode status, string field)
    {
        var id = await ParcelAsync();
        await RefusedAsync(id, JsonNode.Parse(body)!.AsObject(), status, field);
    }

    [Fact]
    public async Task Transitions_need_a_current_etag()
    {
        var id = await ParcelAsync();
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Post, $"/api/parcels/{id}/transitions", ToClean().ToJsonString()), HttpStatusCode.PreconditionRequired, "If-Match");
        await ProblemAssert.IsProblemAsync(await app.TransitionAsync(id, ToClean(), "\"999\""), HttpStatusCode.PreconditionFailed, "If-Match");
    }

    [Fact]
    public async Task Twenty_concurrent_transitions_with_one_etag_make_one_change()
    {
        var id = await ParcelAsync();
        var etag = await app.ETagAsync(id);
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id });
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.TransitionAsync(id, ToClean(), etag)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        Assert.Equal(before + 1, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE parcel_id = @id", new { id }));
    }

    [Fact]
    public async Task Status_is_not_changed_by_a_patch()
    {
        var id = await ParcelAsync();
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", """{"properties":{"status":"clean_land"}}""", "application/merge-patch+json", await app.ETagAsync(id)),
            HttpStatusCode.UnprocessableEntity, "properties.status");
    }

    [Fact]
    public async Task A_supply_correction_keeps_the_old_record_and_is_in_the_history()
    {
        var id = await ParcelAsync();
        await app.WalkAsync(id, ToClean(), ToSupplied());
        var corrected = Supply();
        corrected["constructionStartBy"] = "2024-12-01";
        var response = await app.SendAsync(HttpMethod.Post, $"/api/parcels/{id}/supply-corrections",
            new JsonObject { ["reason"] = "合同补充协议延后开工日期", ["supply"] = corrected }.ToJsonString(), "application/json", await app.ETagAsync(id));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("2024-12-01", (string)(await (await app.Client.GetAsync($"/api/parcels/{id}/supply")).JsonAsync())["constructionStartBy"]!);
        Assert.Equal(2, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_supply WHERE parcel_id = @id", new { id }));
        var history = await (await app.Client.GetAsync($"/api/parcels/{id}/history")).JsonAsync();
        Assert.Equal("supply", (string)history["entries"]!.AsArray()[^1]!["kind"]!);
    }
}
