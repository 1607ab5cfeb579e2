using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Ledger;

/// <summary>The register with a small evidence limit, so that an oversized file is cheap to send.</summary>
public sealed class LedgerApp : RegisterApp
{
    public const int MaxEvidenceBytes = 64 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Ledger:MaxEvidenceBytes"] = MaxEvidenceBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>The rectification ledger through the HTTP API: its rules, its targets measured from the register, its files.</summary>
public sealed class LedgerTests(LedgerApp app) : IClassFixture<LedgerApp>
{
    static int column;

    static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();
    static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    async Task<(string Zone, long Source)> SourceAsync()
    {
        var zone = await app.ZoneAsync();
        var response = await app.PostAsync("/api/ledger/sources", new JsonObject
        {
            ["zoneCode"] = zone, ["title"] = "市委专项巡察反馈意见", ["issuedBy"] = "淮安市委巡察组", ["issuedOn"] = "2024-01-25",
            ["kind"] = "inspection", ["documentRef"] = "涟开委发〔2024〕38号",
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (zone, (long)(await response.JsonAsync())["id"]!);
    }

    static JsonObject Item(long source, string number, string category = "low_efficiency", string? deadline = "2024-12-31") => new()
    {
        ["sourceId"] = source, ["number"] = number, ["problem"] = "低效工业用地盘活进度慢", ["measures"] = new JsonArray("技改扩能", "合作开发"),
        ["leadUnit"] = "经发局", ["cooperatingUnits"] = new JsonArray("资规分局", "新港公司"), ["responsiblePerson"] = "张三",
        ["deadline"] = deadline, ["category"] = category,
    };

    async Task<JsonObject> CreateItemAsync(JsonObject body)
    {
        var response = await app.PostAsync("/api/ledger/items", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    async Task<string> ItemETagAsync(long id) => (await app.Client.GetAsync($"/api/ledger/items/{id}")).Headers.ETag!.ToString();

    async Task<HttpResponseMessage> ProgressAsync(long id, JsonObject body, HttpClient? client = null, string path = "progress")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ledger/items/{id}/{path}")
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", await ItemETagAsync(id));
        return await (client ?? app.Client).SendAsync(request);
    }

    async Task<HttpResponseMessage> UploadAsync(long id, byte[] bytes, string name, HttpClient? client = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        form.Add(new StringContent("验收材料"), "description");
        return await (client ?? app.Client).PostAsync($"/api/ledger/items/{id}/evidence", form);
    }

    Task<long> EvidenceCountAsync() => app.ScalarAsync<long>("SELECT count(*) FROM ledger_evidence");

    /// <summary>A low-efficiency parcel of its own place in the zone (registered with its supply record).</summary>
    async Task<long> LowEfficiencyParcelAsync(string zone) =>
        (long)(await app.CreateParcelAsync(Feature(Rectangle(119.5 + 0.003 * Interlocked.Increment(ref column), 33.6, 100, 100), zone,
            status: "low_efficiency")))["id"]!;

    [Fact]
    public async Task Completing_needs_evidence_closing_needs_a_second_reviewer_and_a_reviewer_may_reopen()
    {
        var (_, source) = await SourceAsync();
        var id = (long)(await CreateItemAsync(Item(source, "3-(1)")))["id"]!;
        Assert.Equal(HttpStatusCode.Created, (await ProgressAsync(id, new JsonObject { ["text"] = "已制定一企一策方案", ["status"] = "in_progress", ["date"] = "2024-05-10" })).StatusCode);
        var bare = await ProgressAsync(id, new JsonObject { ["text"] = "整改完成", ["status"] = "completed" });
        await ProblemAssert.IsProblemAsync(bare, HttpStatusCode.UnprocessableEntity, "evidenceIds");
        var upload = await UploadAsync(id, Pdf, "验收报告.pdf");
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var evidence = await upload.JsonAsync();
        Assert.Equal("application/pdf", (string)evidence["mediaType"]!);
        Assert.Equal(64, ((string)evidence["sha256"]!).Length);
        var completed = await ProgressAsync(id, new JsonObject
        {
            ["text"] = "整改完成", ["status"] = "completed", ["evidenceIds"] = new JsonArray((long)evidence["id"]!), ["date"] = "2024-07-31",
        });
        Assert.Equal(HttpStatusCode.Created, completed.StatusCode);

        // The admin completed it: the admin may not close it, nor may a planner; another reviewer may.
        var self = await ProgressAsync(id, new JsonObject { ["text"] = "销号" }, path: "close");
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        var planner = await app.ClientForAsync("planner");
        Assert.Equal(HttpStatusCode.Forbidden, (await ProgressAsync(id, new JsonObject { ["text"] = "销号" }, planner, "close")).StatusCode);
        var reviewer = await app.ClientForAsync("reviewer");
        Assert.Equal(HttpStatusCode.Created, (await ProgressAsync(id, new JsonObject { ["text"] = "经复核同意销号" }, reviewer, "close")).StatusCode);
        var closed = await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync();
        Assert.Equal("closed", (string)closed["status"]!);
        await ProblemAssert.IsProblemAsync(await ProgressAsync(id, new JsonObject { ["text"] = "补充材料" }), HttpStatusCode.Conflict, "status");

        await ProblemAssert.IsProblemAsync(await ProgressAsync(id, new JsonObject(), reviewer, "reopen"), HttpStatusCode.UnprocessableEntity, "text");
        Assert.Equal(HttpStatusCode.Created, (await ProgressAsync(id, new JsonObject { ["text"] = "回头看发现反弹" }, reviewer, "reopen")).StatusCode);
        Assert.Equal("in_progress", (string)(await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync())["status"]!);

        var progress = (await (await app.Client.GetAsync($"/api/ledger/items/{id}/progress")).JsonAsync())["items"]!.AsArray();
        Assert.Equal(["in_progress", "completed", "closed", "in_progress"], progress.Select(p => (string)p!["statusTo"]!));
        var history = (await (await app.Client.GetAsync($"/api/ledger/items/{id}/history")).JsonAsync())["items"]!.AsArray();
        Assert.Equal(["created", "progress", "progress", "closed", "reopened"], history.Select(h => (string)h!["kind"]!));
        // Completed on 2024-07-31 (valid time), recorded today.
        Assert.StartsWith("2024-07-30T16:00:00", (string)history[2]!["validFrom"]!);
    }

    [Fact]
    public async Task Targets_are_measured_from_the_register_and_a_completed_item_with_one_unmet_is_inconsistent()
    {
        var (zone, source) = await SourceAsync();
        var parcels = new List<long>();
        for (var i = 0; i < 9; i++) parcels.Add(await LowEfficiencyParcelAsync(zone));
        var body = Item(source, "6");
        body["parcelIds"] = new JsonArray(parcels.Select(p => (JsonNode)p).ToArray());
        body["targets"] = new JsonArray(
            new JsonObject { ["kind"] = "parcels_in_status", ["statuses"] = new JsonArray("revitalized") },
            new JsonObject { ["kind"] = "enterprises_evaluated", ["year"] = 2024 });
        var item = await CreateItemAsync(body);
        var id = (long)item["id"]!;
        Assert.Equal(0, (double)item["targets"]![0]!["value"]!);
        Assert.Equal(9, (double)item["targets"]![0]!["of"]!);

        var revitalizing = To("revitalizing", "合作开发");
        revitalizing["method"] = "cooperative_development";
        var revitalized = To("revitalized", "合作开发完成");
        revitalized["method"] = "cooperative_development";
        foreach (var p in parcels.Take(6)) await app.WalkAsync(p, revitalizing.DeepClone().AsObject(), revitalized.DeepClone().AsObject());
        foreach (var p in parcels.Skip(6)) await app.WalkAsync(p, revitalizing.DeepClone().AsObject());

        var measured = await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync();
        var target = measured["targets"]![0]!;
        Assert.Equal(6, (double)target["value"]!);
        Assert.Equal(9, (double)target["of"]!);
        Assert.False((bool)target["met"]!);
        Assert.Equal("6 of 9 parcels revitalized", (string)target["description"]!);
        Assert.False((bool)measured["targets"]![1]!["met"]!);
        Assert.False((bool)measured["inconsistent"]!);

        // Marked completed while 3 plots are still being revitalized: the ledger says so.
        var evidence = (long)(await (await UploadAsync(id, Png, "现场照片.png")).JsonAsync())["id"]!;
        await ProgressAsync(id, new JsonObject { ["text"] = "已完成", ["status"] = "completed", ["evidenceIds"] = new JsonArray(evidence) });
        Assert.True((bool)(await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync())["inconsistent"]!);
        foreach (var p in parcels.Skip(6)) await app.WalkAsync(p, revitalized.DeepClone().AsObject());
        var after = await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync();
        Assert.True((bool)after["targets"]![0]!["met"]!);
        Assert.True((bool)after["inconsistent"]!); // the evaluation of 2024 has not been run in this zone
    }

    [Fact]
    public async Task Use_mismatch_and_reserve_targets_follow_the_parcels()
    {
        var (zone, source) = await SourceAsync();
        var feature = Feature(Rectangle(119.45, 33.55, 100, 100), zone, status: "in_use", plannedUse: "100101");
        feature["properties"]!["actualUse"] = "0804";
        var school = (long)(await app.CreateParcelAsync(feature))["id"]!;
        var body = Item(source, "18", "use_change");
        body["parcelIds"] = new JsonArray(school);
        body["targets"] = new JsonArray(new JsonObject { ["kind"] = "use_mismatch_cleared" },
            new JsonObject { ["kind"] = "reserve_target", ["year"] = RegisterClock() });
        var id = (long)(await CreateItemAsync(body))["id"]!;
        var before = await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync();
        Assert.False((bool)before["targets"]![0]!["met"]!);
        Assert.False((bool)before["targets"]![1]!["met"]!); // no 500-mu block of clean land in the zone
        var etag = await app.ETagAsync(school);
        var moved = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{school}", """{"properties":{"actualUse":"100101"}}""",
            "application/merge-patch+json", etag);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.True((bool)(await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync())["targets"]![0]!["met"]!);
    }

    [Fact]
    public async Task Idle_land_cleared_and_supplies_of_clean_land_follow_the_register()
    {
        var (zone, source) = await SourceAsync();
        var idle = (long)(await app.CreateParcelAsync(Feature(Rectangle(119.5 + 0.003 * Interlocked.Increment(ref column), 33.6, 100, 100), zone,
            status: "idle")))["id"]!;
        var raw = (long)(await app.CreateParcelAsync(Feature(Rectangle(119.5 + 0.003 * Interlocked.Increment(ref column), 33.6, 100, 100), zone,
            status: "raw_land")))["id"]!;
        var body = Item(source, "8", "idle_land");
        body["parcelIds"] = new JsonArray(idle);
        body["targets"] = new JsonArray(new JsonObject { ["kind"] = "idle_land_cleared" },
            new JsonObject { ["kind"] = "no_raw_land_supplied", ["since"] = "2024-01-25" });
        var id = (long)(await CreateItemAsync(body))["id"]!;
        var before = (await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync())["targets"]!;
        Assert.Equal((0.0, 1.0, false), ((double)before[0]!["value"]!, (double)before[0]!["of"]!, (bool)before[0]!["met"]!));
        Assert.Equal((0.0, 0.0), ((double)before[1]!["value"]!, (double)before[1]!["of"]!));

        var backInUse = To("in_use", "企业复产");
        await app.WalkAsync(idle, backInUse);
        await app.WalkAsync(raw, ToClean(), ToSupplied());
        var after = (await (await app.Client.GetAsync($"/api/ledger/items/{id}")).JsonAsync())["targets"]!;
        Assert.Equal((1.0, 1.0, true), ((double)after[0]!["value"]!, (double)after[0]!["of"]!, (bool)after[0]!["met"]!));
        Assert.Equal((1.0, 1.0, true), ((double)after[1]!["value"]!, (double)after[1]!["of"]!, (bool)after[1]!["met"]!));
        Assert.Equal("1 of 1 parcels supplied since 2024-01-25 were clean land", (string)after[1]!["description"]!);
    }

    static int RegisterClock() => DateTime.UtcNow.Year;

    [Fact]
    public async Task Overdue_items_come_first_and_filter()
    {
        var (zone, source) = await SourceAsync();
        var late = (long)(await CreateItemAsync(Item(source, "1", deadline: "2024-03-31")))["id"]!;
        var standing = Item(source, "2", deadline: null);
        standing["longTerm"] = true;
        var longTerm = (long)(await CreateItemAsync(standing))["id"]!;
        var ahead = (long)(await CreateItemAsync(Item(source, "3", deadline: DateTime.UtcNow.AddYears(1).ToString("yyyy-MM-dd"))))["id"]!;
        var list = await (await app.Client.GetAsync($"/api/ledger/items?zone={zone}")).JsonAsync();
        Assert.Equal([late, ahead, longTerm], list["items"]!.AsArray().Select(i => (long)i!["id"]!));
        Assert.True((bool)list["items"]![0]!["overdue"]!);
        var overdue = await (await app.Client.GetAsync($"/api/ledger/items?zone={zone}&overdue=true")).JsonAsync();
        Assert.Equal([late], overdue["items"]!.AsArray().Select(i => (long)i!["id"]!));
        Assert.Equal(1, (long)overdue["numberMatched"]!);
    }

    [Fact]
    public async Task An_oversized_or_disguised_file_is_refused_and_nothing_is_written()
    {
        var (_, source) = await SourceAsync();
        var id = (long)(await CreateItemAsync(Item(source, "13")))["id"]!;
        var before = await EvidenceCountAsync();
        var big = new byte[LedgerApp.MaxEvidenceBytes + 1];
        Pdf.CopyTo(big, 0);
        await ProblemAssert.IsProblemAsync(await UploadAsync(id, big, "大文件.pdf"), HttpStatusCode.RequestEntityTooLarge, "file");
        await ProblemAssert.IsProblemAsync(await UploadAsync(id, Png, "照片伪装成.pdf"), HttpStatusCode.UnsupportedMediaType, "file");
        await ProblemAssert.IsProblemAsync(await UploadAsync(id, "<html><script>alert(1)</script></html>"u8.ToArray(), "通报.pdf"),
            HttpStatusCode.UnsupportedMediaType, "file");
        await ProblemAssert.IsProblemAsync(await UploadAsync(id, "MZ\x90\0"u8.ToArray(), "setup.exe"), HttpStatusCode.UnsupportedMediaType, "file");
        Assert.Equal(before, await EvidenceCountAsync());

        var ok = await (await UploadAsync(id, Pdf, "催收函.pdf")).JsonAsync();
        var download = await app.Client.GetAsync($"/api/ledger/evidence/{(long)ok["id"]!}");
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Each_role_sees_what_it_may_and_another_zone_s_item_is_not_found()
    {
        var (zone, source) = await SourceAsync();
        var id = (long)(await CreateItemAsync(Item(source, "14")))["id"]!;
        foreach (var role in new[] { "promoter", "viewer" })
            Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync(role)).GetAsync($"/api/ledger/items/{id}")).StatusCode);
        foreach (var role in new[] { "analyst", "reviewer", "planner" })
            Assert.Equal(HttpStatusCode.OK, (await (await app.ClientForAsync(role)).GetAsync($"/api/ledger/items/{id}")).StatusCode);
        foreach (var role in new[] { "analyst", "reviewer" })
            Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync(role)).PostAsync("/api/ledger/items",
                new StringContent(Item(source, "15").ToJsonString(), System.Text.Encoding.UTF8, "application/json"))).StatusCode);

        var other = await app.ZoneAsync();
        var outsider = await app.ClientForAsync("planner", other);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/ledger/items/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/ledger/sources/{source}")).StatusCode);
        Assert.Empty((await (await outsider.GetAsync("/api/ledger/items")).JsonAsync())["items"]!.AsArray());
        var foreignParcel = Item(source, "16");
        foreignParcel["parcelIds"] = new JsonArray(await LowEfficiencyParcelAsync(other));
        await ProblemAssert.IsProblemAsync(await app.PostAsync("/api/ledger/items", foreignParcel), HttpStatusCode.UnprocessableEntity, "parcelIds");
    }

    [Theory]
    [InlineData("""{"number":""}""", HttpStatusCode.UnprocessableEntity, "number")]
    [InlineData("""{"category":"corruption"}""", HttpStatusCode.BadRequest, "category")]
    [InlineData("""{"deadline":null,"longTerm":false}""", HttpStatusCode.UnprocessableEntity, "deadline")]
    [InlineData("""{"measures":[]}""", HttpStatusCode.UnprocessableEntity, "measures")]
    [InlineData("""{"targets":[{"kind":"vibes"}]}""", HttpStatusCode.BadRequest, "targets[0].kind")]
    [InlineData("""{"targets":[{"kind":"parcels_in_status"}]}""", HttpStatusCode.UnprocessableEntity, "targets[0].statuses")]
    [InlineData("""{"leadUnit":"经发局\u0000"}""", HttpStatusCode.BadRequest, "leadUnit")]
    public async Task A_bad_item_is_refused_naming_the_field_and_nothing_is_written(string change, HttpStatusCode status, string field)
    {
        var (_, source) = await SourceAsync();
        var body = Item(source, "9");
        foreach (var (key, value) in JsonNode.Parse(change)!.AsObject()) body[key] = value?.DeepClone();
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM ledger_item");
        await ProblemAssert.IsProblemAsync(await app.PostAsync("/api/ledger/items", body), status, field);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM ledger_item"));
    }

    [Fact]
    public async Task A_ledger_exported_and_imported_into_an_empty_zone_exports_the_same_rows()
    {
        var (_, source) = await SourceAsync();
        await CreateItemAsync(Item(source, "1", "reserves"));
        var second = (long)(await CreateItemAsync(Item(source, "2-(1)", "institutions")))["id"]!;
        var standing = Item(source, "2-(2)", "rent", deadline: null);
        standing["longTerm"] = true;
        await CreateItemAsync(standing);
        await ProgressAsync(second, new JsonObject { ["text"] = "已出台考核办法，正在组织实施", ["status"] = "phase_completed" });

        var exported = await (await app.Client.GetAsync($"/api/ledger/sources/{source}/export")).Content.ReadAsByteArrayAsync();
        Workbooks.AssertValid(exported).Dispose();
        var (_, empty) = await SourceAsync();
        var import = await app.SendAsync(HttpMethod.Post, $"/api/ledger/sources/{empty}/import", exported,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        var report = await import.JsonAsync();
        Assert.True(import.StatusCode == HttpStatusCode.OK, report.ToJsonString());
        Assert.Equal(3, (int)report["created"]!);
        var again = await (await app.Client.GetAsync($"/api/ledger/sources/{empty}/export?format=csv")).Content.ReadAsStringAsync();
        var original = await (await app.Client.GetAsync($"/api/ledger/sources/{source}/export?format=csv")).Content.ReadAsStringAsync();
        Assert.Equal(original, again);
        Assert.Contains("阶段性完成", again);
        Assert.Contains("长期", again);

        // Importing the same file again changes nothing.
        var twice = await (await app.SendAsync(HttpMethod.Post, $"/api/ledger/sources/{empty}/import", exported,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).JsonAsync();
        Assert.Equal(3, (int)twice["unchanged"]!);
        Assert.Equal(0, (int)twice["progressEntries"]!);
    }

    [Fact]
    public async Task A_ledger_file_with_bad_rows_is_refused_whole_naming_every_row()
    {
        var (_, source) = await SourceAsync();
        const string csv = "序号,问题,整改措施,责任单位,完成时限,整改状态,类别\n" +
                           "1,巡察反馈问题一,措施一,经发局,2024-06-30,完成,低效用地\n" +
                           "2,巡察反馈问题二,措施二,,2024-06-30,推进中,低效用地\n" +
                           "3,巡察反馈问题三,措施三,资规分局,明年,推进中,低效用地\n" +
                           "4,巡察反馈问题四,措施四,资规分局,2024-06-30,已销号,低效用地\n";
        var response = await app.SendAsync(HttpMethod.Post, $"/api/ledger/sources/{source}/import", csv, "text/csv");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "rows[3].leadUnit");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("rows[4].deadline"));
        Assert.True(problem["errors"]!.AsObject().ContainsKey("rows[5].status"));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM ledger_item WHERE source_id = @source", new { source }));
    }
}
