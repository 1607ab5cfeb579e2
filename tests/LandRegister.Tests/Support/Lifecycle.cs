using System.Net;
using System.Text.Json.Nodes;

namespace LandRegister.Tests.Support;

/// <summary>Helpers for moving parcels through their lifecycle in tests.</summary>
public static class Lifecycle
{
    public const string ValidCreditCode = "91350100M000100Y43";

    public static JsonObject FullChecklist() => new()
    {
        ["titleClear"] = true, ["resettlementSettled"] = true, ["noDispute"] = true,
        ["planningConditionsSet"] = true, ["siteReady"] = true,
    };

    public static JsonObject Supply(string creditCode = ValidCreditCode) => new()
    {
        ["method"] = "transfer", ["listedOn"] = "2024-03-01", ["dealtOn"] = "2024-04-15",
        ["recipientName"] = "阿特斯阳光电力集团", ["recipientCreditCode"] = creditCode, ["priceWan"] = 10185.0,
        ["constructionStartBy"] = "2024-10-15", ["completionBy"] = "2026-10-15",
        ["commitments"] = new JsonObject
        {
            ["investmentIntensityWanPerMu"] = 450, ["taxPerMuWan"] = 30, ["salesPerMuWan"] = 500, ["minPlotRatio"] = 1.0,
        },
    };

    public static async Task<string> ETagAsync(this RegisterApp app, long id) =>
        (await app.Client.GetAsync($"/api/parcels/{id}")).Headers.ETag!.ToString();

    /// <summary>Sends a transition with the parcel's current ETag.</summary>
    public static async Task<HttpResponseMessage> TransitionAsync(this RegisterApp app, long id, JsonObject body, string? etag = null) =>
        await app.SendAsync(HttpMethod.Post, $"/api/parcels/{id}/transitions", body.ToJsonString(), "application/json",
            etag ?? await app.ETagAsync(id));

    /// <summary>Moves a parcel along transitions that must all succeed.</summary>
    public static async Task WalkAsync(this RegisterApp app, long id, params JsonObject[] steps)
    {
        foreach (var step in steps)
        {
            var response = await app.TransitionAsync(id, step);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{step.ToJsonString()}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The step, taking effect on <paramref name="effectiveDate"/> (yyyy-MM-dd).</summary>
    public static JsonObject On(this JsonObject step, string effectiveDate)
    {
        step["effectiveDate"] = effectiveDate;
        return step;
    }

    public static JsonObject To(string status, string reason = "测试") => new() { ["to"] = status, ["reason"] = reason };

    public static JsonObject ToClean() => new() { ["to"] = "clean_land", ["reason"] = "净地验收", ["checklist"] = FullChecklist() };

    public static JsonObject ToSupplied() => new() { ["to"] = "supplied", ["reason"] = "挂牌出让成交", ["supply"] = Supply() };

    /// <summary>Supplied to <paramref name="creditCode"/>, the deal made on <paramref name="dealtOn"/> (yyyy-MM-dd), the contract's dates after it.</summary>
    public static JsonObject SuppliedTo(string creditCode, string dealtOn)
    {
        var dealt = DateOnly.Parse(dealtOn, System.Globalization.CultureInfo.InvariantCulture);
        var step = ToSupplied();
        var supply = step["supply"]!;
        supply["recipientCreditCode"] = creditCode;
        supply["listedOn"] = dealt.AddDays(-45).ToString("yyyy-MM-dd");
        supply["dealtOn"] = dealtOn;
        supply["constructionStartBy"] = dealt.AddMonths(6).ToString("yyyy-MM-dd");
        supply["completionBy"] = dealt.AddYears(2).ToString("yyyy-MM-dd");
        return step;
    }
}
