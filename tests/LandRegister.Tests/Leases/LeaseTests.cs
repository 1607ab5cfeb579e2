using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Drawing;

namespace LandRegister.Tests.Leases;

/// <summary>Leases, their rent and its collection through the HTTP API, on dates counted from today.</summary>
public sealed class LeaseTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    const string PlatformCreditCode = "91350100M000100Y43";
    const string LesseeCreditCode = "91320826MA1MX4LT08";

    static readonly DateOnly Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));

    /// <summary>The first day of the month two years ago: every lease here starts then.</summary>
    static readonly DateOnly Start = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-24);

    static string D(DateOnly day) => day.ToString("yyyy-MM-dd");

    static int column;

    /// <summary>A parcel of its own place with a building of 12,000 m² on it.</summary>
    async Task<(string Zone, long Parcel, long Premises)> BuildingAsync(string? zone = null)
    {
        zone ??= await app.ZoneAsync();
        var x = X0 + 400 * Interlocked.Increment(ref column);
        var (parcel, _) = await app.CleanAsync(zone, Box(x, Y0, 300, 200), status: "idle");
        var response = await app.PostAsync("/api/premises?crs=EPSG:4549", new JsonObject
        {
            ["type"] = "Feature", ["geometry"] = Box(x + 50, Y0 + 50, 100, 60),
            ["properties"] = new JsonObject
            {
                ["code"] = Arrange.Unique("F"), ["parcelId"] = parcel, ["ownerName"] = "涟水新港建设投资有限公司", ["ownerKind"] = "platform_company",
                ["ownerCreditCode"] = PlatformCreditCode, ["floorAreaM2"] = 12000, ["vacancy"] = "vacant", ["vacantSince"] = D(Start.AddYears(-1)),
            },
        }, "application/geo+json");
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (zone, parcel, (long)(await response.JsonAsync())["id"]!);
    }

    static JsonObject Lease(long premises, double area = 8000, string use = "100101", Action<JsonObject>? more = null)
    {
        var lease = new JsonObject
        {
            ["premisesId"] = premises, ["areaM2"] = area, ["lessorName"] = "涟水新港建设投资有限公司", ["lessorKind"] = "platform_company",
            ["lesseeKind"] = "enterprise", ["lesseeName"] = "涟水恒盛电子科技有限公司", ["lesseeCreditCode"] = LesseeCreditCode, ["useCode"] = use,
            ["startsOn"] = D(Start), ["endsOn"] = D(Start.AddMonths(60).AddDays(-1)), ["rentBasis"] = "per_year", ["rent"] = 12,
            ["schedule"] = "monthly", ["paymentTiming"] = "advance", ["contractRef"] = "XG-ZL-2024-01", ["status"] = "active",
        };
        more?.Invoke(lease);
        return lease;
    }

    async Task<JsonObject> CreateAsync(JsonObject lease)
    {
        var response = await app.PostAsync("/api/leases", lease);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    async Task<JsonObject> PremisesAsync(long id) => (await (await app.Client.GetAsync($"/api/premises/{id}")).JsonAsync())["properties"]!.AsObject();

    async Task<JsonArray> BillsAsync(long lease) => (await (await app.Client.GetAsync($"/api/leases/{lease}/bills")).JsonAsync())["items"]!.AsArray();

    async Task<HttpResponseMessage> StopAsync(long lease, string how, DateOnly on, string? reason = "合同到期")
    {
        var etag = (await app.Client.GetAsync($"/api/leases/{lease}")).Headers.ETag!.ToString();
        return await app.SendAsync(HttpMethod.Post, $"/api/leases/{lease}/{how}", new JsonObject { ["on"] = D(on), ["reason"] = reason }.ToJsonString(),
            "application/json", etag);
    }

    [Fact]
    public async Task Vacancy_follows_the_leases_and_a_lease_beyond_the_floor_area_is_refused()
    {
        var (_, _, premises) = await BuildingAsync();
        var first = (long)(await CreateAsync(Lease(premises)))["id"]!;
        var building = await PremisesAsync(premises);
        Assert.Equal(("partly_leased", 4000.0), ((string)building["vacancy"]!, (double)building["vacantFloorAreaM2"]!));

        var leases = await app.ScalarAsync<long>("SELECT count(*) FROM lease");
        var tooMuch = await app.PostAsync("/api/leases", Lease(premises, area: 5000));
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.StatusCode);
        Assert.Contains("areaM2", (await tooMuch.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(leases, await app.ScalarAsync<long>("SELECT count(*) FROM lease"));

        await CreateAsync(Lease(premises, area: 4000));
        building = await PremisesAsync(premises);
        Assert.Equal(("leased", 0.0), ((string)building["vacancy"]!, (double)building["vacantFloorAreaM2"]!));

        Assert.Equal(HttpStatusCode.OK, (await StopAsync(first, "end", Today.AddDays(-1))).StatusCode);
        building = await PremisesAsync(premises);
        Assert.Equal(("partly_leased", 8000.0), ((string)building["vacancy"]!, (double)building["vacantFloorAreaM2"]!));
        var history = (await (await app.Client.GetAsync($"/api/leases/{first}/history")).JsonAsync())["items"]!.AsArray();
        Assert.Equal(["created", "activated", "ended"], history.Select(v => (string)v!["kind"]!));
    }

    [Fact]
    public async Task Bills_follow_the_schedule_with_rent_free_months_and_escalation_and_generating_twice_makes_nothing_new()
    {
        var (zone, _, premises) = await BuildingAsync();
        var lease = (long)(await CreateAsync(Lease(premises, more: l => { l["rentFreeMonths"] = 2; l["escalationPct"] = 5; })))["id"]!;
        var bills = await BillsAsync(lease);
        Assert.Equal(23, bills.Count); // 25 months started by today, the first two free
        Assert.Equal((D(Start.AddMonths(2)), 10000.0), ((string)bills[0]!["dueOn"]!, (double)bills[0]!["amountYuan"]!));
        Assert.Equal(10500.0, (double)bills.Single(b => (string)b!["dueOn"]! == D(Start.AddMonths(12)))!["amountYuan"]!);
        Assert.Equal(11025.0, (double)bills.Single(b => (string)b!["dueOn"]! == D(Start.AddMonths(24)))!["amountYuan"]!);

        var again = await app.PostAsync("/api/leases/bills", new JsonObject { ["zone"] = zone, ["from"] = D(Start), ["through"] = D(Today) });
        Assert.Equal(0, (long)(await again.JsonAsync())["created"]!);
        var run = await app.RunAsync("/api/leases/billing-runs", new JsonObject { ["zone"] = zone });
        Assert.Equal("succeeded", (string)run["status"]!);
        Assert.Equal(0, (long)run["counts"]!["billsCreated"]!);
        Assert.Equal(23, (await BillsAsync(lease)).Count);
    }

    static JsonObject Ageing(JsonObject report) => report["total"]!.AsObject();

    [Fact]
    public async Task Payments_settle_the_oldest_bills_first_and_arrears_age_on_the_day_asked()
    {
        var (zone, _, premises) = await BuildingAsync(await app.ZoneAsync());
        var lease = (long)(await CreateAsync(Lease(premises)))["id"]!;
        var paidOn = Start.AddMonths(2).AddDays(14);
        var paid = await app.PostAsync("/api/leases/payments", new JsonObject
        {
            ["leaseId"] = lease, ["paidOn"] = D(paidOn), ["payer"] = "涟水恒盛电子科技有限公司", ["amountYuan"] = 25000, ["reference"] = "BANK-0001",
        });
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        var bills = await BillsAsync(lease);
        Assert.Equal([10000.0, 10000.0, 5000.0, 0.0], bills.Take(4).Select(b => (double)b!["paidYuan"]!));
        Assert.Equal(D(paidOn), (string)bills[0]!["settledOn"]!);

        var before = Ageing(await (await app.Client.GetAsync($"/api/leases/arrears?zone={zone}&asOf={D(Start.AddMonths(2).AddDays(10))}")).JsonAsync());
        Assert.Equal((10000.0, 20000.0, 30000.0), ((double)before["days0To30"]!, (double)before["days31To90"]!, (double)before["totalYuan"]!));

        var report = await (await app.Client.GetAsync($"/api/leases/arrears?zone={zone}&asOf={D(Start.AddMonths(5).AddDays(10))}")).JsonAsync();
        var after = Ageing(report);
        Assert.Equal((10000.0, 20000.0, 5000.0, 0.0, 35000.0),
            ((double)after["days0To30"]!, (double)after["days31To90"]!, (double)after["days91To180"]!, (double)after["over365"]!, (double)after["totalYuan"]!));
        var lessee = Assert.Single(report["lessees"]!.AsArray())!;
        Assert.Equal(LesseeCreditCode, (string)lessee["lesseeCreditCode"]!);
        Assert.Equal("涟水新港建设投资有限公司", (string)report["byLessor"]![0]!["name"]!);
    }

    [Fact]
    public async Task An_instalment_plan_reschedules_what_is_owed_and_a_missed_instalment_is_flagged()
    {
        var (zone, _, premises) = await BuildingAsync(await app.ZoneAsync());
        var lease = (long)(await CreateAsync(Lease(premises)))["id"]!;
        var takenOn = Start.AddMonths(3);
        var wrong = await app.PostAsync($"/api/leases/{lease}/collection", new JsonObject
        {
            ["kind"] = "instalment_plan", ["takenOn"] = D(takenOn),
            ["instalments"] = new JsonArray(new JsonObject { ["dueOn"] = D(takenOn.AddMonths(1)), ["amountYuan"] = 30000 }),
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("instalments", (await wrong.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));

        await app.PostAsync($"/api/leases/{lease}/collection", new JsonObject { ["kind"] = "letter", ["takenOn"] = D(takenOn.AddDays(-20)), ["outcome"] = "发催收函" });
        var plan = await app.PostAsync($"/api/leases/{lease}/collection", new JsonObject
        {
            ["kind"] = "instalment_plan", ["takenOn"] = D(takenOn), ["outcome"] = "分期还款协议",
            ["instalments"] = new JsonArray(new JsonObject { ["dueOn"] = D(takenOn.AddMonths(1)), ["amountYuan"] = 20000 },
                                            new JsonObject { ["dueOn"] = D(Today.AddDays(30)), ["amountYuan"] = 20000 }),
        });
        var collection = await plan.JsonAsync();
        Assert.True(plan.StatusCode == HttpStatusCode.Created, collection.ToJsonString());
        Assert.Equal(["letter", "instalment_plan"], collection["actions"]!.AsArray().Select(a => (string)a!["kind"]!));
        Assert.Equal(D(takenOn.AddMonths(1)), (string)Assert.Single(collection["missedInstalments"]!.AsArray())!["dueOn"]!);
        var report = await (await app.Client.GetAsync($"/api/leases/arrears?zone={zone}")).JsonAsync();
        Assert.Equal(1, (int)report["lessees"]![0]!["missedInstalments"]!);

        var writeOff = await app.PostAsync($"/api/leases/{lease}/collection", new JsonObject { ["kind"] = "write_off", ["takenOn"] = D(Today) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, writeOff.StatusCode);
        Assert.Contains("approvalRef", (await writeOff.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task A_school_in_an_industrial_building_is_a_use_mismatch_until_its_lease_ends()
    {
        var (zone, parcel, premises) = await BuildingAsync();
        var school = (long)(await CreateAsync(Lease(premises, use: "0804", more: l =>
        {
            l["lesseeKind"] = "organisation"; l["lesseeName"] = "永州市某职业技术学校"; l["lesseeCreditCode"] = null; l["lesseeIdentifier"] = "52431100MJJ000000X";
        })))["id"]!;
        var mismatched = await app.Client.FeaturesAsync($"/api/parcels?zone={zone}&useMismatch=true");
        Assert.Contains(mismatched, f => (long)f!["id"]! == parcel);
        var leases = (await (await app.Client.GetAsync($"/api/leases?zone={zone}&useMismatch=true")).JsonAsync())["items"]!.AsArray();
        Assert.Equal(school, (long)Assert.Single(leases)!["id"]!);

        Assert.Equal(HttpStatusCode.OK, (await StopAsync(school, "terminate", Today.AddDays(-1), "学校搬离厂房")).StatusCode);
        Assert.DoesNotContain(await app.Client.FeaturesAsync($"/api/parcels?zone={zone}&useMismatch=true"), f => (long)f!["id"]! == parcel);
    }

    [Theory]
    [InlineData("rent", -1, "rent")]
    [InlineData("endsOn", "2020-01-01", "endsOn")]
    [InlineData("lesseeCreditCode", "91320826MA1MX4LT0X", "lesseeCreditCode")]
    [InlineData("schedule", "weekly", "schedule")]
    [InlineData("useCode", "9999", "useCode")]
    public async Task A_bad_lease_is_refused_naming_the_field_and_nothing_is_written(string field, object value, string named)
    {
        var (_, _, premises) = await BuildingAsync();
        var body = Lease(premises);
        body[field] = JsonValue.Create(value);
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM lease");
        var response = await app.PostAsync("/api/leases", body);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, response.StatusCode.ToString());
        Assert.Contains(named, (await response.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM lease"));
    }

    [Fact]
    public async Task A_bank_statement_is_matched_to_leases_all_or_nothing_and_recorded_once()
    {
        var (zone, _, premises) = await BuildingAsync(await app.ZoneAsync());
        var lease = (long)(await CreateAsync(Lease(premises)))["id"]!;
        var bad = $"日期,付款人,金额,摘要\n{D(Start)},涟水恒盛电子科技有限公司,10000,B-1\nyesterday,某公司,5000,B-2\n{D(Start)},,-3,B-3\n";
        var refused = await app.SendAsync(HttpMethod.Post, $"/api/leases/payments/import?zone={zone}", System.Text.Encoding.UTF8.GetBytes(bad), "text/csv");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var errors = (await refused.JsonAsync())["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Equal(["rows[3].date", "rows[4].payer", "rows[4].amount"], errors);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM rent_payment WHERE zone_code = @zone", new { zone }));

        var good = $"日期,付款人,金额,摘要\n{D(Start)},涟水恒盛电子科技有限公司,\"15,000.00\",B-1\n{D(Start)},不认识的公司,800,B-2\n";
        var bytes = System.Text.Encoding.UTF8.GetBytes(good);
        var imported = await (await app.SendAsync(HttpMethod.Post, $"/api/leases/payments/import?zone={zone}", bytes, "text/csv")).JsonAsync();
        Assert.Equal((2, 0, 1), ((int)imported["recorded"]!, (int)imported["skipped"]!, (int)imported["unmatched"]!));
        Assert.Equal([10000.0, 5000.0], (await BillsAsync(lease)).Take(2).Select(b => (double)b!["paidYuan"]!));
        var twice = await (await app.SendAsync(HttpMethod.Post, $"/api/leases/payments/import?zone={zone}", bytes, "text/csv")).JsonAsync();
        Assert.Equal((0, 2), ((int)twice["recorded"]!, (int)twice["skipped"]!));
        var unmatched = (await (await app.Client.GetAsync($"/api/leases/payments?zone={zone}&unmatched=true")).JsonAsync())["items"]!.AsArray();
        Assert.Equal("不认识的公司", (string)Assert.Single(unmatched)!["payer"]!);
    }

    [Fact]
    public async Task Rent_and_arrears_are_for_roles_cleared_for_enterprise_figures()
    {
        var (zone, _, premises) = await BuildingAsync();
        var lease = (long)(await CreateAsync(Lease(premises)))["id"]!;
        var promoter = await app.ClientForAsync("promoter");
        Assert.Equal(HttpStatusCode.Forbidden, (await promoter.GetAsync($"/api/leases?zone={zone}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await promoter.GetAsync($"/api/leases/arrears?zone={zone}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await promoter.GetAsync($"/api/leases/{lease}/bills")).StatusCode);
        var seen = await (await promoter.GetAsync($"/api/premises/{premises}")).Content.ReadAsStringAsync();
        Assert.Contains("\"vacantFloorAreaM2\":4000", seen);
        Assert.DoesNotContain("rent", seen, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(LesseeCreditCode, seen);
        var viewer = await app.ClientForAsync("viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/leases/{lease}")).StatusCode);

        var analyst = await app.ClientForAsync("analyst");
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync($"/api/leases/arrears?zone={zone}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync("/api/leases", new StringContent(Lease(premises, 100).ToJsonString(),
            System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        var limited = await app.ClientForAsync("planner", await app.ZoneAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await limited.GetAsync($"/api/leases/{lease}")).StatusCode);
    }

    [Fact]
    public async Task A_ledger_item_on_rent_arrears_is_met_once_the_lessee_has_paid()
    {
        var (zone, _, premises) = await BuildingAsync();
        var created = await CreateAsync(Lease(premises, more: l => l["startsOn"] = D(Today.AddMonths(-2))));
        var lease = (long)created["id"]!;
        var source = await (await app.PostAsync("/api/ledger/sources", new JsonObject
        {
            ["zoneCode"] = zone, ["title"] = "市委专项巡察反馈意见", ["issuedBy"] = "淮安市委巡察组", ["issuedOn"] = "2024-01-25", ["kind"] = "inspection",
        })).JsonAsync();
        var item = await app.PostAsync("/api/ledger/items", new JsonObject
        {
            ["sourceId"] = (long)source["id"]!, ["number"] = "13-(2)", ["problem"] = "拖欠租金", ["measures"] = new JsonArray("上门催收"), ["leadUnit"] = "新港公司",
            ["deadline"] = D(Today), ["category"] = "rent", ["leaseIds"] = new JsonArray(lease),
            ["targets"] = new JsonArray(new JsonObject { ["kind"] = "arrears_cleared" }),
        });
        var body = await item.JsonAsync();
        Assert.True(item.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        Assert.Equal((0.0, 1.0, false), ((double)body["targets"]![0]!["value"]!, (double)body["targets"]![0]!["of"]!, (bool)body["targets"]![0]!["met"]!));

        var owed = (double)(await (await app.Client.GetAsync($"/api/leases/{lease}")).JsonAsync())["owedYuan"]!;
        Assert.Equal(30000, owed); // three months begun, billed in advance
        await app.PostAsync("/api/leases/payments", new JsonObject
        {
            ["leaseId"] = lease, ["paidOn"] = D(Today), ["payer"] = "涟水恒盛电子科技有限公司", ["amountYuan"] = owed, ["reference"] = "BANK-13-2",
        });
        var after = await (await app.Client.GetAsync($"/api/ledger/items/{(long)body["id"]!}")).JsonAsync();
        Assert.True((bool)after["targets"]![0]!["met"]!, after.ToJsonString());
        Assert.Equal("1 of 1 leases owe nothing", (string)after["targets"]![0]!["description"]!);
    }
}
