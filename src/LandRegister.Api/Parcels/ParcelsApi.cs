using System.ComponentModel;
using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.LandUses;
using LandRegister.Api.Spatial;
using Microsoft.AspNetCore.Mvc;

namespace LandRegister.Api.Parcels;

public static class ParcelsApi
{
    const string GeoJson = FeatureCollection<ParcelFeature>.MediaType;

    public static RouteGroupBuilder MapParcels(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/parcels").WithTags("Parcels");
        group.MapGet("/", ListParcels).WithName(nameof(ListParcels)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("List parcels: filters, bbox, keyset paging; or all of them as CSV or .xlsx").Produces<FeatureCollection<ParcelFeature>>(200, GeoJson)
            .Exportable();
        group.MapPost("/search", SearchParcels).WithName(nameof(SearchParcels)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("List parcels with the filters in the body, for geometries too large for a URL")
            .Produces<FeatureCollection<ParcelFeature>>(200, GeoJson).Exportable();
        group.MapGet("/{id:long}", GetParcel).WithName(nameof(GetParcel)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Get a parcel as a GeoJSON Feature").Produces<ParcelFeature>(200, GeoJson).Produces(304);
        group.MapPost("/", CreateParcel).WithName(nameof(CreateParcel)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Register a parcel from a GeoJSON Feature").Produces<ParcelFeature>(201, GeoJson);
        group.MapPatch("/{id:long}", PatchParcel).WithName(nameof(PatchParcel)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Change a parcel with a JSON merge patch (If-Match required)").Produces<ParcelFeature>(200, GeoJson);
        group.MapDelete("/{id:long}", RetireParcel).WithName(nameof(RetireParcel)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Retire a parcel: kept, hidden from lists (If-Match required)").Produces(204);
        group.MapGet("/{id:long}/card", ParcelCardApi.GetParcelCard).WithName(nameof(ParcelCardApi.GetParcelCard))
            .RequireAuthorization(Permission.ReadRegister)
            .WithSummary("A parcel's details for a map panel: code, status, uses, park, area; holder and per-mu tax for roles allowed");
        group.MapParcelLookup();
        return group;
    }

    public static async Task<IResult> ListParcels(
        [AsParameters] ParcelListParameters parameters, Caller caller, Replicas replicas, LandUseCodes uses, HttpContext http,
        [Description(Export.FormatDescription)] string? format = null)
    {
        var export = Export.Requested(http.Request, format);
        await uses.CatalogueAsync();
        var query = ParcelQuery.From(parameters, caller, uses);
        if (export is { } file) return Export.File(file, ParcelExport.Table, ParcelSql.AllAsync(replicas.For(ReadClass.Exports, http), query));
        return await PageAsync(replicas.For(ReadClass.Lists, http), query, http, cursor => new Link(Links.WithCursor(http.Request, cursor), "next", GeoJson));
    }

    public static async Task<IResult> SearchParcels(ParcelSearch search, Caller caller, Replicas replicas, LandUseCodes uses, HttpContext http,
        [Description(Export.FormatDescription)] string? format = null)
    {
        var export = Export.Requested(http.Request, format);
        await uses.CatalogueAsync();
        var query = ParcelQuery.From(search, caller, uses);
        if (export is { } file) return Export.File(file, ParcelExport.Table, ParcelSql.AllAsync(replicas.For(ReadClass.Exports, http), query));
        return await PageAsync(replicas.For(ReadClass.Lists, http), query, http,
            cursor => new Link(Links.Self(http.Request), "next", GeoJson, Method: "POST", Body: search with { Cursor = cursor }));
    }

    internal static async Task<IResult> PageAsync(NpgsqlDataSource db, ParcelQuery query, HttpContext http, Func<string, Link> next)
    {
        var (matched, features, count, lastId, more) = await ParcelSql.PageAsync(db, query);
        var links = new List<Link> { new(Links.Self(http.Request), "self", GeoJson) };
        if (more) links.Add(next(query.NextCursor(lastId)));
        Links.SetHeader(http.Response, links);
        return new FeaturePage(matched, count, features, links, GeoJson);
    }

    public static async Task<IResult> GetParcel(
        long id, Caller caller, Replicas replicas, HttpContext http,
        [Description("An instant (ISO 8601): the parcel as it stood in the world then (valid time).")] DateTimeOffset? asOf = null,
        [Description("An instant (ISO 8601): the parcel as the register had recorded it by then.")] DateTimeOffset? recordedAsOf = null)
    {
        var errors = new FieldErrors();
        (asOf, recordedAsOf) = ValidTime.CheckAsOf(asOf, recordedAsOf, errors);
        errors.ThrowIfAny();
        await using var conn = await replicas.For(ReadClass.Features, http).OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<ParcelRow>(asOf is null ? ParcelSql.ById : ParcelSql.ByIdAsOf,
                      new { id, scope = caller.Scope, asOf, recordedAsOf })
            ?? throw Problems.NotFound(asOf is null ? $"No parcel has the id {id}."
                : recordedAsOf is null ? $"Parcel {id} did not exist at {asOf:O}."
                : $"As recorded at {recordedAsOf:O}, parcel {id} did not exist at {asOf:O}.");
        ETags.Set(http.Response, row.Version);
        if (http.Request.Headers.IfNoneMatch == ETags.For(row.Version)) return TypedResults.StatusCode(304);
        return TypedResults.Json(row.ToFeature(), contentType: GeoJson);
    }

    public static async Task<IResult> CreateParcel(
        [FromBody] JsonElement feature, Caller caller, NpgsqlDataSource db, LandUseCodes uses, ParcelOverlaps overlaps, HttpContext http,
        [Description("CRS of the coordinates: EPSG:4326 (default), EPSG:4490 or EPSG:4513-4554.")] string? crs = null,
        [Description("gbt21010 to read numeric land-use codes as GB/T 21010 codes.")] string? useScheme = null)
    {
        UnicodeText.Ensure(feature);
        var options = new ParcelReadOptions(Crs.Parse(crs), null, UseScheme(useScheme), Strict: true);
        await uses.CatalogueAsync();
        var errors = new FieldErrors();
        var draft = ParcelInput.Read(feature, options, uses, errors) ?? throw errors.ToProblem();
        if (!caller.CanActIn(draft.ZoneCode)) throw Problems.Invalid("properties.zoneCode", "no zone has this code");
        GeometryValidity.EnsureValid(draft.Geometry, "geometry");
        await using var conn = await db.OpenConnectionAsync();
        await overlaps.EnsureNoneAsync(conn, draft.ZoneCode, draft.Geometry, null);
        var args = new DynamicParameters(draft);
        args.AddDynamicParams(new { by = caller.Name, id = (long?)null, supplyId = (long?)null });
        await using var tx = await new RecordedChange("created") { ValidFrom = draft.ExistedFrom }.BeginAsync(conn);
        if (draft.Supply is { } supply)
        {
            var (parcelId, supplyId) = await ParcelWrites.DrawIdsAsync(conn, tx);
            args.AddDynamicParams(new { id = parcelId, supplyId });
            await conn.ExecuteAsync(SupplyRow.Insert,
                SupplyRow.Args(parcelId, supply, draft.EffectiveDate ?? RegisterClock.Today, caller.Name, supplyId), tx);
        }
        var row = await conn.QuerySingleAsync<ParcelRow>(ParcelWrites.Insert, args, tx);
        await tx.CommitAsync();
        ETags.Set(http.Response, row.Version);
        http.Response.Headers.Location = $"/api/parcels/{row.Id}";
        return TypedResults.Json(row.ToFeature(), contentType: GeoJson, statusCode: 201);
    }

    public static async Task<IResult> PatchParcel(
        long id, [FromBody] JsonElement patch, Caller caller, NpgsqlDataSource db, LandUseCodes uses, ParcelOverlaps overlaps, HttpContext http,
        [Description("CRS of the geometry's coordinates, as for create.")] string? crs = null,
        [Description("gbt21010 to read numeric land-use codes as GB/T 21010 codes.")] string? useScheme = null)
    {
        UnicodeText.Ensure(patch);
        var version = ETags.RequiredVersion(http.Request);
        var options = new ParcelReadOptions(Crs.Parse(crs), null, UseScheme(useScheme), Strict: true);
        await uses.CatalogueAsync();
        var plan = ParcelPatch.Read(patch, options, uses);
        await using var conn = await db.OpenConnectionAsync();
        var current = await conn.QuerySingleOrDefaultAsync<ParcelRow>(ParcelSql.ById, new { id, scope = caller.Scope })
            ?? throw Problems.NotFound($"No parcel has the id {id}.");
        plan.CheckRules(current);
        if (plan.Geometry is not null)
        {
            GeometryValidity.EnsureValid(plan.Geometry, "geometry");
            await overlaps.EnsureNoneAsync(conn, current.ZoneCode, plan.Geometry, id);
        }
        if (plan.Change.ValidFrom is { } at)
        {
            var timeline = await ParcelTimeline.LoadAsync(conn, null, id);
            timeline.CheckExisted(at, "effectiveDate");
            plan.Shadowed = timeline.ChangedAfter(at);
            if (plan.Geometry is not null && plan.Shadowed.Contains("geom"))
                throw Problems.Conflict("effectiveDate", "the geometry was changed after this date; a change of geometry cannot be placed before it");
        }
        plan.Args.AddDynamicParams(new { id, version, by = caller.Name, scope = caller.Scope });
        await using var tx = await plan.Change.BeginAsync(conn);
        var row = plan.IsEmpty
            ? await conn.QuerySingleOrDefaultAsync<ParcelRow>($"SELECT {ParcelRow.Columns} FROM parcel WHERE {ParcelWrites.Changeable}", plan.Args, tx)
            : await conn.QuerySingleOrDefaultAsync<ParcelRow>(ParcelWrites.Update(plan.SetClause), plan.Args, tx);
        if (row is null) throw await ParcelSql.WhyNotWrittenAsync(conn, id, caller);
        await tx.CommitAsync();
        ETags.Set(http.Response, row.Version);
        return TypedResults.Json(row.ToFeature(), contentType: GeoJson);
    }

    public static async Task<IResult> RetireParcel(
        long id, Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("Why the parcel is retired, for its history.")] string? reason = null,
        [Description("When the parcel ceased to exist (yyyy-MM-dd); default: now.")] DateOnly? effectiveDate = null)
    {
        var version = ETags.RequiredVersion(http.Request);
        var errors = new FieldErrors();
        if (reason is not null && !Text.IsPlain(reason)) errors.AddUnreadable("reason", Text.ControlCharacters);
        ValidTime.Check(effectiveDate, "effectiveDate", errors);
        errors.ThrowIfAny();
        var validFrom = ValidTime.From(effectiveDate);
        await using var conn = await db.OpenConnectionAsync();
        if (validFrom is { } at)
        {
            var timeline = await ParcelTimeline.LoadAsync(conn, null, id);
            timeline.CheckExisted(at, "effectiveDate");
            if (timeline.ChangedAfter(at).Count > 0)
                throw Problems.Conflict("effectiveDate", "the parcel was changed after this date; it cannot have ceased to exist before");
        }
        await using var tx = await new RecordedChange("retired", reason) { ValidFrom = validFrom }.BeginAsync(conn);
        var newVersion = await conn.QuerySingleOrDefaultAsync<long?>(ParcelWrites.Retire,
            new { id, version, by = caller.Name, scope = caller.Scope, retiredAt = validFrom }, tx);
        if (newVersion is null) throw await ParcelSql.WhyNotWrittenAsync(conn, id, caller);
        await tx.CommitAsync();
        ETags.Set(http.Response, newVersion.Value);
        return TypedResults.NoContent();
    }

    internal static string? UseScheme(string? scheme) => scheme switch
    {
        null or "" or "national" => null,
        LandUseCodes.LegacyScheme => scheme,
        _ => throw UnknownScheme(scheme),
    };

    static ProblemException UnknownScheme(string scheme)
    {
        var errors = new FieldErrors();
        errors.AddUnknown("useScheme", $"unknown land-use scheme '{scheme}'", ["national", LandUseCodes.LegacyScheme]);
        return errors.ToProblem();
    }
}
