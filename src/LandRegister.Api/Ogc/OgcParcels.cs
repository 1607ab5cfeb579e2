using System.Globalization;
using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Parcels;

namespace LandRegister.Api.Ogc;

/// <summary>The register's parcels, with its own filters; a page is the parcel list's page.</summary>
sealed class ParcelSource : OgcSource
{
    public override string Id => "parcels";
    public override string Title => "Parcels (宗地)";
    public override string Description =>
        "The register's parcels: code, zone, park, planned and actual use, status, areas. Filters beyond bbox and datetime: " +
        "status, plannedUse, park, zone, minAreaMu, maxAreaMu, includeRetired, useMismatch.";

    public override string[] Parameters { get; } =
        ["f", "limit", "bbox", "datetime", "cursor", "status", "plannedUse", "park", "zone", "minAreaMu", "maxAreaMu", "includeRetired", "useMismatch",
         "code", "parkCode", "zoneCode", "sortby", "properties", "crs", "bbox-crs"];

    public override Task<string[]> CrsAsync(OgcRequest r) => OgcCrs.OfferedAsync(r);

    /// <summary>
    /// The parcels' properties as the features carry them, each seen by the roles that see it in the JSON (its
    /// <see cref="AudienceAttribute"/> on <see cref="ParcelProperties"/>). <c>plannedUse</c> as a query parameter matches
    /// sub-codes (1001 matches 100101); in a filter it is the code itself (<c>plannedUse LIKE '1001%'</c> for the family).
    /// </summary>
    public override IReadOnlyList<OgcQueryable> Queryables { get; } =
    [
        Of("id", "宗地ID Parcel id", QueryableType.Integer, "id"),
        Of("code", "宗地编号 Parcel code", QueryableType.Text, "code"),
        Of("zoneCode", "开发区 Zone", QueryableType.Text, "zone_code"),
        Of("parkCode", "园区 Park", QueryableType.Text, "park_code"),
        Of("name", "名称 Name", QueryableType.Text, "name"),
        Of("plannedUse", "规划用途 Planned use", QueryableType.Text, "planned_use") with { Pattern = "^[0-9]{2,6}$" },
        Of("actualUse", "实际用途 Actual use", QueryableType.Text, "actual_use"),
        Of("status", "状态 Status", QueryableType.Text, "status") with { Enum = ParcelStatus.All },
        Of("registeredAreaM2", "登记面积（平方米） Registered area (m²)", QueryableType.Number, "registered_area_m2"),
        Of("areaM2", "面积（平方米） Area (m²)", QueryableType.Number, "area_m2"),
        Of("areaMu", "面积（亩） Area (mu)", QueryableType.Number, "(area_m2 * 0.0015)"),
        Of("constructionStartedOn", "开工日期 Construction started", QueryableType.Date, "construction_started_on"),
        Of("createdAt", "登记时间 Created at", QueryableType.Timestamp, "created_at"),
        Of("updatedAt", "更新时间 Updated at", QueryableType.Timestamp, "updated_at"),
        Of("retiredAt", "注销时间 Retired at", QueryableType.Timestamp, "retired_at"),
        Of("createdBy", "登记人 Created by", QueryableType.Text, "created_by"),
        Of("updatedBy", "更新人 Updated by", QueryableType.Text, "updated_by"),
        Of("geometry", "宗地范围 Boundary", QueryableType.Geometry, "geom"),
    ];

    static OgcQueryable Of(string name, string title, QueryableType type, string sql) =>
        new(name, title, type, sql, typeof(ParcelProperties).GetProperty(char.ToUpperInvariant(name[0]) + name[1..]) is { } property
            ? AudienceAttribute.Of(property, typeof(ParcelProperties)) : Audience.Public);

    public override async Task<IResult> ItemsAsync(OgcRequest r, int? limit)
    {
        var q = r.Query;
        await r.Uses.CatalogueAsync();
        var (asOf, from, to) = OgcApi.DateTimeFilter(q["datetime"]);
        var offered = q.ContainsKey("crs") || q.ContainsKey("bbox-crs") ? await OgcCrs.OfferedAsync(r) : [OgcCrs.Crs84];
        var crs = OgcCrs.Parse(q.ContainsKey("crs") ? q["crs"].ToString() : null, offered, "crs");
        var bboxCrs = OgcCrs.Parse(q.ContainsKey("bbox-crs") ? q["bbox-crs"].ToString() : null, offered, "bbox-crs");
        var parameters = new ParcelListParameters
        {
            Status = q["status"], PlannedUse = q["plannedUse"], Park = Both(q, "park", "parkCode"), Zone = Both(q, "zone", "zoneCode"), Code = q["code"], SortBy = q.ContainsKey("sortby") ? q["sortby"].ToString() : null,
            MinAreaMu = OgcApi.Number(q["minAreaMu"], "minAreaMu"), MaxAreaMu = OgcApi.Number(q["maxAreaMu"], "maxAreaMu"),
            Bbox = q.ContainsKey("bbox") && bboxCrs is null ? q["bbox"].ToString() : null,
            Intersects = q.ContainsKey("bbox") && bboxCrs is { } b ? OgcCrs.Envelope(q["bbox"].ToString(), b) : null,
            Crs = bboxCrs is { } c ? $"EPSG:{c}" : null,
            IncludeRetired = OgcApi.Boolean(q["includeRetired"], "includeRetired"), UseMismatch = OgcApi.Boolean(q["useMismatch"], "useMismatch"),
            AsOf = asOf, Limit = limit ?? OgcApi.DefaultLimit, Cursor = q.ContainsKey("cursor") ? q["cursor"].ToString() : null,
        };
        var query = ParcelQuery.From(parameters, r.Caller, r.Uses);
        if (q.ContainsKey("properties")) query.Properties = Selected(q["properties"].ToString(), r.Http);
        if (from is not null || to is not null) query.During(from, to);
        if (await FilterAsync(r) is { } filter) query.Also(filter.Sql, filter.Values);
        query.CountMatched = !q.ContainsKey("cursor"); // the first page counts; GDAL and QGIS read the count there
        query.GeometrySql = OgcCrs.GeometrySql(crs);
        r.Http.Response.Headers["Content-Crs"] = $"<{(crs is { } srid ? OgcCrs.Uri(srid) : OgcCrs.Crs84)}>";
        return await ParcelsApi.PageAsync(r.Db, query, r.Http, cursor => new Link(Links.WithCursor(r.Http.Request, cursor), "next", OgcApi.GeoJson));
    }

    /// <summary>
    /// The properties a client asked for (<c>properties=code,status</c>, as pygeoapi and pg_featureserv take it): each one a
    /// property the caller's role sees, else a 400 listing those it may name.
    /// </summary>
    static HashSet<string> Selected(string list, HttpContext http)
    {
        var audience = Caller.AudienceOf(http);
        var visible = typeof(ParcelProperties).GetProperties()
            .Where(p => AudienceAttribute.Of(p, typeof(ParcelProperties)) <= audience)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToList();
        var errors = new FieldErrors();
        var names = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        foreach (var name in names.Where(n => !visible.Contains(n))) errors.AddUnknown("properties", $"'{name}' is no property this key may read", visible);
        errors.ThrowIfAny();
        return names;
    }

    /// <summary>A filter given by the register's parameter or by the queryable's name, or both.</summary>
    static string[] Both(IQueryCollection q, string parameter, string queryable) =>
        q[parameter].Concat(q[queryable]).OfType<string>().ToArray();

    public override async Task<IResult> ItemAsync(OgcRequest r, string featureId, IReadOnlyList<Link> links, int? crs)
    {
        if (!long.TryParse(featureId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) throw Problems.NotFound($"No parcel has the id '{featureId}'.");
        await using var conn = await r.Db.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<ParcelRow>(
                $"SELECT {ParcelRow.Attributes}, {OgcCrs.GeometrySql(crs)} AS geometry FROM parcel WHERE id = @id AND {Caller.InScope()}",
                new { id, scope = r.Caller.Scope })
            ?? throw Problems.NotFound($"No parcel has the id {id}.");
        ETags.Set(r.Http.Response, row.Version);
        var feature = row.ToFeature();
        return TypedResults.Json(new OgcFeature<ParcelProperties>(feature.Id, feature.Geometry, feature.Properties, links), contentType: OgcApi.GeoJson);
    }
}
