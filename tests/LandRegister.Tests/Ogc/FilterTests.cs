using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Ogc;

/// <summary>
/// OGC API – Features Part 3 filtering: CQL2 (text and JSON) compiled to SQL over the queryables, checked against the
/// same condition written by hand; CRSs; injection attempts; fields a role may not see.
/// </summary>
public sealed class FilterTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static string Url(string collection, string filter, string extra = "") =>
        $"/ogc/collections/{collection}/items?limit=1000&filter={Uri.EscapeDataString(filter)}{extra}";

    static List<long> Ids(JsonObject page) => page["features"]!.AsArray().Select(f => (long)f!["id"]!).Order().ToList();

    static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A row of ten parcels of growing size, statuses and names taking turns, from <paramref name="lon"/> eastwards.</summary>
    async Task<(string Zone, double Lon, double Lat)> RowAsync(double lon, double lat, int gk = 4549)
    {
        var zone = await app.ZoneAsync(gk);
        string[] statuses = ["idle", "low_efficiency", "clean_land", "in_use"];
        for (var i = 0; i < 10; i++)
        {
            var feature = Feature(Rectangle(lon + i * 0.002, lat, 60 + i * 15, 100), zone, code: $"F{zone}-{i}", status: statuses[i % 4],
                plannedUse: i % 3 == 0 ? "100101" : "100102");
            feature["properties"]!["name"] = i % 2 == 0 ? $"企业{i}" : null;
            await app.CreateParcelAsync(feature);
        }
        return (zone, lon, lat);
    }

    [Fact]
    public async Task Each_declared_class_filters_as_the_same_condition_written_in_sql()
    {
        var (zone, lon, lat) = await RowAsync(119.50, 33.50);
        var (west, south, east, north) = (lon + 0.0035, lat - 0.001, lon + 0.0095, lat + 0.002);
        var ring = $"{N(west)} {N(south)},{N(east)} {N(south)},{N(east)} {N(north)},{N(west)} {N(north)},{N(west)} {N(south)}";
        (string Cql, string Sql)[] cases =
        [
            ("status = 'idle'", "status = 'idle'"),
            ("status <> 'idle' AND areaMu >= 20", "status <> 'idle' AND area_m2 * 0.0015 >= 20"),
            ($"code LIKE 'F{zone}-_' AND NOT name IS NULL", $"code LIKE 'F{zone}-_' AND name IS NOT NULL"),
            ("NOT (areaMu BETWEEN 12 AND 25)", "NOT (area_m2 * 0.0015 BETWEEN 12 AND 25)"),
            ("status IN ('idle', 'low_efficiency') OR plannedUse NOT IN ('100102')", "status IN ('idle', 'low_efficiency') OR planned_use NOT IN ('100102')"),
            ("createdAt <= TIMESTAMP('2100-01-01T00:00:00Z') AND retiredAt IS NULL AND areaM2 < 12000", "area_m2 < 12000"),
            ($"S_INTERSECTS(geometry, BBOX({N(west)},{N(south)},{N(east)},{N(north)}))",
                $"ST_Intersects(geom, ST_MakeEnvelope({N(west)},{N(south)},{N(east)},{N(north)}, 4326))"),
            ($"S_WITHIN(geometry, POLYGON(({ring}))) AND status <> 'in_use'",
                $"ST_Within(geom, ST_MakeEnvelope({N(west)},{N(south)},{N(east)},{N(north)}, 4326)) AND status <> 'in_use'"),
            ($"S_DISJOINT(geometry, POINT({N(lon + 0.0001)} {N(lat + 0.0001)}))", $"NOT ST_Intersects(geom, ST_SetSRID(ST_Point({N(lon + 0.0001)}, {N(lat + 0.0001)}), 4326))"),
        ];
        foreach (var (cql, sql) in cases)
        {
            var expected = (await app.ScalarAsync<long[]?>(
                $"SELECT array_agg(id ORDER BY id) FROM parcel WHERE zone_code = @zone AND retired_at IS NULL AND ({sql})", new { zone }) ?? []).ToList();
            Assert.InRange(expected.Count, 1, 9); // each case keeps some parcels and leaves others
            var page = await (await app.Client.GetAsync(Url("parcels", cql, $"&zone={zone}"))).JsonAsync();
            Assert.True(expected.SequenceEqual(Ids(page)), $"{cql}: expected {string.Join(",", expected)}, got {string.Join(",", Ids(page))}");
            Assert.Equal(expected.Count, (int)page["numberMatched"]!);
        }

        // The JSON encoding, the same filter.
        var json = $$"""{"op":"and","args":[{"op":"in","args":[{"property":"status"},["idle","low_efficiency"]]},{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[{{N(west)}},{{N(south)}},{{N(east)}},{{N(north)}}]}]}]}""";
        var text = $"status IN ('idle','low_efficiency') AND S_INTERSECTS(geometry, BBOX({N(west)},{N(south)},{N(east)},{N(north)}))";
        var byJson = Ids(await (await app.Client.GetAsync(Url("parcels", json, $"&zone={zone}&filter-lang=cql2-json"))).JsonAsync());
        Assert.NotEmpty(byJson);
        Assert.Equal(Ids(await (await app.Client.GetAsync(Url("parcels", text, $"&zone={zone}"))).JsonAsync()), byJson);

        // Next links keep the filter; a queryable given as a query parameter narrows it further.
        var first = await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&limit=2&filter={Uri.EscapeDataString("areaMu > 0")}")).JsonAsync();
        var next = (string)first["links"]!.AsArray().Single(l => (string)l!["rel"]! == "next")!["href"]!;
        Assert.Contains("filter=", next);
        Assert.Equal(10, (int)first["numberMatched"]!);
        var second = await (await app.Client.GetAsync(next)).JsonAsync();
        Assert.Equal(2, second["features"]!.AsArray().Count);
        Assert.Null(second["numberMatched"]); // counted on the first page only
        var named = Ids(await (await app.Client.GetAsync(Url("parcels", "status = 'idle'", $"&zone={zone}&name={Uri.EscapeDataString("企业0,企业4")}"))).JsonAsync());
        Assert.Equal(await app.ScalarAsync<long[]>("SELECT array_agg(id ORDER BY id) FROM parcel WHERE zone_code = @zone AND status = 'idle' AND name IN ('企业0', '企业4')", new { zone }), named);

        var conformance = (await (await app.Client.GetAsync("/ogc/conformance")).JsonAsync())["conformsTo"]!.AsArray().Select(c => (string)c!).ToList();
        foreach (var declared in new[] { "ogcapi-features-3/1.0/conf/filter", "ogcapi-features-3/1.0/conf/features-filter", "cql2/1.0/conf/cql2-text",
                     "cql2/1.0/conf/cql2-json", "cql2/1.0/conf/basic-cql2", "cql2/1.0/conf/advanced-comparison-operators", "cql2/1.0/conf/basic-spatial-functions",
                     "cql2/1.0/conf/basic-spatial-functions-plus", "cql2/1.0/conf/spatial-functions", "cql2/1.0/conf/temporal-functions" })
            Assert.Contains($"http://www.opengis.net/spec/{declared}", conformance);
        Assert.DoesNotContain(conformance, c => c.Contains("case-insensitive") || c.Contains("arithmetic") || c.Contains("array") || c.Contains("property-property"));
    }

    [Fact]
    public async Task Temporal_functions_read_the_parcels_lifetimes_land_taken_back_included()
    {
        var zone = await app.ZoneAsync();
        var ids = new List<long>();
        async Task AddAsync(int i) =>
            ids.Add((long)(await app.CreateParcelAsync(Feature(Rectangle(119.55 + i * 0.002, 33.65, 80, 80), zone, code: $"T{zone}-{i}")))["id"]!);
        async Task RetireAsync(long id) // land taken back
        {
            var read = await app.Client.GetAsync($"/api/parcels/{id}");
            var retire = new HttpRequestMessage(HttpMethod.Delete, $"/api/parcels/{id}");
            retire.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
            Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(retire)).StatusCode);
        }
        for (var i = 0; i < 3; i++) await AddAsync(i);
        await RetireAsync(ids[0]); // before the instant
        await Task.Delay(20);
        var between = await app.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await Task.Delay(20);
        for (var i = 3; i < 6; i++) await AddAsync(i);
        await RetireAsync(ids[4]); // after it
        var t = between.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        (string Cql, string Sql)[] cases =
        [
            ($"T_BEFORE(createdAt, TIMESTAMP('{t}'))", "created_at < @t"),
            ($"T_AFTER(createdAt, TIMESTAMP('{t}'))", "created_at > @t"),
            ($"T_INTERSECTS(INTERVAL(createdAt, retiredAt), INTERVAL('..', '{t}'))", "created_at <= @t"),
            ($"T_CONTAINS(INTERVAL(createdAt, retiredAt), TIMESTAMP('{t}')) AND T_DURING(createdAt, INTERVAL('2000-01-01', '..'))",
                "created_at < @t AND coalesce(retired_at, 'infinity') > @t"),
            ($"T_AFTER(INTERVAL(createdAt, retiredAt), TIMESTAMP('{t}')) OR retiredAt IS NOT NULL", "created_at > @t OR retired_at IS NOT NULL"),
            ($"NOT T_DISJOINT(INTERVAL(createdAt, retiredAt), INTERVAL('{t}', '..'))", "coalesce(retired_at, 'infinity') >= @t"),
        ];
        foreach (var (cql, sql) in cases)
        {
            var expected = (await app.ScalarAsync<long[]?>($"SELECT array_agg(id ORDER BY id) FROM parcel WHERE zone_code = @zone AND ({sql})",
                new { zone, t = between }) ?? []).ToList();
            Assert.InRange(expected.Count, 1, 5);
            var page = await (await app.Client.GetAsync(Url("parcels", cql, $"&zone={zone}&includeRetired=true"))).JsonAsync();
            Assert.True(expected.SequenceEqual(Ids(page)), $"{cql}: expected {string.Join(",", expected)}, got {string.Join(",", Ids(page))}");
        }
        // Allen's thirteen relations: between a parcel's lifetime and any interval, exactly one holds, and T_INTERSECTS is
        // NOT T_DISJOINT; the intervals start and end at the parcels' own instants (so equal ends occur) or are open.
        var instants = await app.ScalarAsync<DateTime[]>("""
            SELECT array_agg(x ORDER BY x) FROM (SELECT created_at AS x FROM parcel WHERE zone_code = @zone
                                                 UNION SELECT retired_at FROM parcel WHERE zone_code = @zone AND retired_at IS NOT NULL) i
            """, new { zone });
        string At(int k) => instants[k].ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        string[] basic = ["T_BEFORE", "T_MEETS", "T_OVERLAPS", "T_STARTS", "T_DURING", "T_FINISHES", "T_EQUALS", "T_FINISHEDBY", "T_CONTAINS",
                          "T_STARTEDBY", "T_OVERLAPPEDBY", "T_METBY", "T_AFTER"];
        async Task<List<long>> MatchAsync(string function, string interval) =>
            Ids(await (await app.Client.GetAsync(Url("parcels", $"{function}(INTERVAL(createdAt, retiredAt), INTERVAL({interval}))", $"&zone={zone}&includeRetired=true"))).JsonAsync());
        var relations = new HashSet<string>();
        foreach (var interval in new[] { $"'..', '{At(2)}'", $"'{At(1)}', '{At(4)}'", $"'{At(0)}', '..'", $"'{At(3)}', '{At(5)}'", "'..', '..'", $"'{At(0)}', '{At(7)}'" })
        {
            var held = new Dictionary<long, List<string>>();
            foreach (var function in basic)
                foreach (var id in await MatchAsync(function, interval))
                    (held.TryGetValue(id, out var list) ? list : held[id] = []).Add(function);
            Assert.Equal(ids.Order(), held.Keys.Order());
            Assert.All(held, h => Assert.True(h.Value.Count == 1, $"parcel {h.Key} and INTERVAL({interval}): {string.Join(", ", h.Value)}"));
            relations.UnionWith(held.Values.Select(v => v[0]));
            var disjoint = await MatchAsync("T_DISJOINT", interval);
            Assert.Equal(ids.Except(disjoint).Order(), await MatchAsync("T_INTERSECTS", interval));
        }
        Assert.True(relations.Count >= 5, string.Join(", ", relations)); // the intervals bring out several relations

        var json = $$"""{"op":"t_before","args":[{"property":"createdAt"},{"timestamp":"{{t}}"}]}""";
        Assert.Equal(ids.Take(3), Ids(await (await app.Client.GetAsync(Url("parcels", json, $"&zone={zone}&includeRetired=true&filter-lang=cql2-json"))).JsonAsync()));
        Assert.Contains("temporal functions compare dates and timestamps", (string)(await ProblemAssert.IsProblemAsync(
            await app.Client.GetAsync(Url("parcels", "T_BEFORE(code, DATE('2020-01-01'))")), HttpStatusCode.BadRequest, "filter"))["detail"]!);
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync(Url("parcels", "createdAt = INTERVAL('..', '..')")), HttpStatusCode.BadRequest, "filter");
    }

    [Fact]
    public async Task Filter_geometries_are_read_in_the_filter_crs_in_its_axis_order()
    {
        var (zone, lon, lat) = await RowAsync(119.60, 33.50);
        var (west, south, east, north) = (lon + 0.0035, lat - 0.001, lon + 0.0095, lat + 0.002);
        var expected = Ids(await (await app.Client.GetAsync(Url("parcels", $"S_INTERSECTS(geometry, BBOX({N(west)},{N(south)},{N(east)},{N(north)}))", $"&zone={zone}"))).JsonAsync());
        Assert.InRange(expected.Count, 1, 9);
        // CGCS2000 puts latitude first.
        var latLon = await (await app.Client.GetAsync(Url("parcels", $"S_INTERSECTS(geometry, BBOX({N(south)},{N(west)},{N(north)},{N(east)}))",
            $"&zone={zone}&filter-crs=http://www.opengis.net/def/crs/EPSG/0/4490"))).JsonAsync();
        Assert.Equal(expected, Ids(latLon));
        // The zone's Gauss-Krüger projection puts the northing first.
        var corners = await app.ScalarAsync<double[]>(
            "SELECT ARRAY[ST_YMin(b), ST_XMin(b), ST_YMax(b), ST_XMax(b)] FROM (SELECT ST_Transform(ST_MakeEnvelope(@west, @south, @east, @north, 4326), 4549) b) e",
            new { west, south, east, north });
        var projected = await (await app.Client.GetAsync(Url("parcels", $"S_INTERSECTS(geometry, BBOX({string.Join(",", corners.Select(N))}))",
            $"&zone={zone}&filter-crs=http://www.opengis.net/def/crs/EPSG/0/4549"))).JsonAsync();
        Assert.Equal(expected, Ids(projected));
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync(Url("parcels", "S_INTERSECTS(geometry, POINT(1 2))", "&filter-crs=EPSG:3857")),
            HttpStatusCode.BadRequest, "filter-crs");
    }

    [Fact]
    public async Task Injection_in_literals_and_property_names_is_harmless_or_refused_and_no_other_zone_leaks()
    {
        var (mine, _, _) = await RowAsync(119.70, 33.50);
        var (other, _, _) = await RowAsync(119.80, 33.50);
        var planner = await app.ClientForAsync("planner", mine);
        async Task<JsonObject> PageAsync(string filter, string extra = "") => await (await planner.GetAsync(Url("parcels", filter, extra))).JsonAsync();

        Assert.Equal(0, (int)(await PageAsync($"zoneCode = '{other}'"))["numberMatched"]!);
        Assert.Equal(0, (int)(await PageAsync($"code LIKE 'F{other}%'"))["numberMatched"]!);
        var everything = await PageAsync($"zoneCode = '{other}' OR TRUE");
        Assert.Equal(10, (int)everything["numberMatched"]!);
        Assert.All(everything["features"]!.AsArray(), f => Assert.StartsWith($"F{mine}-", (string)f!["properties"]!["code"]!));
        Assert.Equal(0, (int)(await PageAsync("code = 'x'' OR ''1''=''1'"))["numberMatched"]!);
        Assert.Equal(0, (int)(await PageAsync("name = '''; DROP TABLE parcel; --'"))["numberMatched"]!);
        Assert.Equal(0, (int)(await PageAsync("""{"op":"=","args":[{"property":"code"},"' OR 1=1 --"]}""", "&filter-lang=cql2-json"))["numberMatched"]!);
        Assert.Equal(20L, await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code IN (@mine, @other)", new { mine, other }));

        foreach (var (filter, extra) in new[]
                 {
                     ("\"code = code OR 1=1 --\" = 'a'", ""), ("\"zone_code\" = 'x'", ""), ("geom IS NULL", ""), ("area_m2 > 0", ""),
                     ("""{"op":"=","args":[{"property":"1=1) OR (true"},"a"]}""", "&filter-lang=cql2-json"),
                 })
        {
            var problem = await ProblemAssert.IsProblemAsync(await planner.GetAsync(Url("parcels", filter, extra)), HttpStatusCode.BadRequest, "filter");
            Assert.Contains("no queryable", (string)problem["detail"]!);
            Assert.Contains("code", problem["allowed"]!.AsArray().Select(a => (string)a!));
        }
        foreach (var (filter, reason) in new[]
                 {
                     ("code = 'a'; DROP TABLE parcel", "line 1, column 11"), ("areaMu > 'ten'", "cannot be compared"), ("status", "line 1, column 7"),
                     ("S_INTERSECTS(code, POINT(1 2))", "no geometry"), ("geometry = 'x'", "cannot be compared"),
                 })
            Assert.Contains(reason, (string)(await ProblemAssert.IsProblemAsync(await planner.GetAsync(Url("parcels", filter)), HttpStatusCode.BadRequest, "filter"))["detail"]!);
        var notCondition = await planner.GetAsync(Url("parcels", """{"op":"not","args":[{"property":"status"}]}""", "&filter-lang=cql2-json"));
        Assert.Contains("at $.args[0]: a value is not a condition", (string)(await ProblemAssert.IsProblemAsync(notCondition, HttpStatusCode.BadRequest, "filter"))["detail"]!);
        await ProblemAssert.IsProblemAsync(await planner.GetAsync(Url("parcels", "a = 1", "&filter-lang=ecql")), HttpStatusCode.BadRequest, "filter-lang");
        await ProblemAssert.IsProblemAsync(await planner.GetAsync(Url("parcels", new string('(', 100) + "areaMu > 1" + new string(')', 100))),
            HttpStatusCode.BadRequest, "filter");
        await ProblemAssert.IsProblemAsync(await planner.GetAsync("/ogc/collections/parcels/items?areaMu=ten"), HttpStatusCode.BadRequest, "areaMu");
    }

    [Fact]
    public async Task A_field_a_role_may_not_see_is_no_queryable_for_it()
    {
        var (zone, _, _) = await RowAsync(119.90, 33.50);
        var viewer = await app.ClientForAsync("viewer", zone);
        var queryables = (await (await viewer.GetAsync("/ogc/collections/parcels/queryables")).JsonAsync())["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("status", queryables);
        Assert.Contains("geometry", queryables);
        Assert.DoesNotContain("name", queryables);
        Assert.DoesNotContain("createdBy", queryables);

        var refused = await ProblemAssert.IsProblemAsync(await viewer.GetAsync(Url("parcels", "name IS NULL")), HttpStatusCode.BadRequest, "filter");
        Assert.Contains("'name' is no queryable", (string)refused["detail"]!);
        Assert.DoesNotContain("name", refused["allowed"]!.AsArray().Select(a => (string)a!));
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync(Url("parcels", """{"op":"like","args":[{"property":"updatedBy"},"%"]}""", "&filter-lang=cql2-json")),
            HttpStatusCode.BadRequest, "filter");
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync($"/ogc/collections/parcels/items?name={Uri.EscapeDataString("企业0")}"), HttpStatusCode.BadRequest, "name");
        Assert.Equal(10, (int)(await (await viewer.GetAsync(Url("parcels", "status IS NOT NULL AND areaMu > 0"))).JsonAsync())["numberMatched"]!);

        // A staff key sees the names, and filters on them.
        var staff = await app.ClientForAsync("planner", zone);
        Assert.Equal(5, (int)(await (await staff.GetAsync(Url("parcels", "name IS NULL"))).JsonAsync())["numberMatched"]!);
    }

    [Fact]
    public async Task Parks_are_filtered_on_their_own_queryables()
    {
        var zone = await app.ZoneAsync();
        var north = await app.ParkAsync(zone, Rectangle(119.95, 33.60, 300, 300));
        await app.ParkAsync(zone, Rectangle(119.95, 33.50, 300, 300));
        var page = await (await app.Client.GetAsync(Url("parks", $"zoneCode = '{zone}' AND S_INTERSECTS(geometry, POINT(119.951 33.601))"))).JsonAsync();
        Assert.Equal([north], page["features"]!.AsArray().Select(f => (string)f!["properties"]!["code"]!));
        Assert.Equal(2, (int)(await (await app.Client.GetAsync(Url("parks", $"zoneCode = '{zone}' AND code LIKE '%'"))).JsonAsync())["numberMatched"]!);
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync(Url("parks", "status = 'idle'")), HttpStatusCode.BadRequest, "filter");
    }
}
