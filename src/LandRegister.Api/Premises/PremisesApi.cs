using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.Spatial;
using Microsoft.AspNetCore.Mvc;

namespace LandRegister.Api.Premises;

/// <summary>
/// Buildings and factory floors on the register's parcels, kept like parcels: in the caller's zones, versioned
/// (ETag / If-Match), never deleted (retired), every version in <c>premises_history</c>.
/// </summary>
public static class PremisesApi
{
    const string GeoJson = FeatureCollection<PremisesFeature>.MediaType;

    public static RouteGroupBuilder MapPremises(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/premises").WithTags("Premises");
        group.MapGet("/", ListPremises).WithName(nameof(ListPremises)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("List premises: by zone, parcel, park, vacancy and vacant floor area; keyset paging; or all as CSV or .xlsx")
            .Produces<FeatureCollection<PremisesFeature>>(200, GeoJson).Exportable();
        group.MapGet("/{id:long}", GetPremises).WithName(nameof(GetPremises)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Get a premises as a GeoJSON Feature of its footprint").Produces<PremisesFeature>(200, GeoJson).Produces(304);
        group.MapPost("/", CreatePremises).WithName(nameof(CreatePremises)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Register a building or factory floor on a parcel").Produces<PremisesFeature>(201, GeoJson);
        group.MapPatch("/{id:long}", PatchPremises).WithName(nameof(PatchPremises)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Change a premises with a JSON merge patch (If-Match required)").Produces<PremisesFeature>(200, GeoJson);
        group.MapDelete("/{id:long}", RetirePremises).WithName(nameof(RetirePremises)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Retire a premises (demolished, merged): kept, hidden from lists (If-Match required)").Produces(204);
        group.MapGet("/{id:long}/history", GetPremisesHistory).WithName(nameof(GetPremisesHistory)).RequireAuthorization(Permission.ReadHistory)
            .WithSummary("Every version of a premises: what changed, who changed it, when and why");
        return group;
    }

    static readonly string ById = $"SELECT {PremisesRow.Columns} FROM {PremisesRow.From} WHERE pr.id = @id AND {Caller.InScope("pr.zone_code")}";

    public static async Task<IResult> ListPremises(
        Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("Only this zone's premises.")] string? zone = null,
        [Description("Only those on this parcel.")] long? parcelId = null,
        [Description("Only those on parcels of this park.")] string? park = null,
        [Description("Vacancies, comma-separated: vacant, partly_leased, leased, self_used.")] string? vacancy = null,
        [Description("Only those with at least this much floor area free to lease, m².")] decimal? minVacantM2 = null,
        [Description("Include retired premises.")] bool includeRetired = false,
        [Description("Page size, 1-1000 (default 100).")] int limit = 100,
        [Description("The id after which the page starts (from the next link).")] long? cursor = null,
        [Description(Export.FormatDescription)] string? format = null)
    {
        var export = Export.Requested(http.Request, format);
        var errors = new FieldErrors();
        var vacancies = vacancy?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var v in vacancies ?? [])
            if (!PremisesValues.Vacancies.Contains(v)) errors.AddUnknown("vacancy", $"unknown vacancy '{v}'", PremisesValues.Vacancies);
        if (limit is < 1 or > 1000) errors.Add("limit", "between 1 and 1000");
        if (minVacantM2 is < 0) errors.Add("minVacantM2", "must not be negative");
        errors.ThrowIfAny();
        await using var conn = await db.OpenConnectionAsync();
        var matches = $"""
            {Caller.InScope("pr.zone_code")}
              AND (@zone::text IS NULL OR pr.zone_code = @zone) AND (@parcelId::bigint IS NULL OR pr.parcel_id = @parcelId)
              AND (@park::text IS NULL OR p.park_code = @park) AND (@vacancies::text[] IS NULL OR pr.vacancy = ANY(@vacancies))
              AND (@minVacantM2::numeric IS NULL OR pr.vacant_floor_area_m2 >= @minVacantM2)
              AND (@includeRetired OR pr.retired_at IS NULL)
            """;
        var args = new { scope = caller.Scope, zone, parcelId, park, vacancies, minVacantM2, includeRetired, cursor, take = export is null ? limit + 1 : (int?)null };
        var page = $"""
            SELECT {PremisesRow.Columns} FROM {PremisesRow.From}
            WHERE {matches} AND (@cursor::bigint IS NULL OR pr.id > @cursor)
            ORDER BY pr.id LIMIT @take
            """;
        if (export is { } file) return Export.File(file, PremisesExport.Table, Export.Query(db, page, args, (PremisesRow r) => r.ToFeature()));
        await using var read = await conn.ExecuteReaderAsync($"SELECT count(*) FROM {PremisesRow.From} WHERE {matches};\n{page}", args);
        var matched = await read.ReadSingleAsync<long>();
        var rows = await read.ReadRowsAsync<PremisesRow>();
        var links = new List<Link> { new(Links.Self(http.Request), "self", GeoJson) };
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            links.Add(new Link(Links.WithCursor(http.Request, rows[^1].Id.ToString(CultureInfo.InvariantCulture)), "next", GeoJson));
        }
        Links.SetHeader(http.Response, links);
        var features = rows.ConvertAll(r => r.ToFeature());
        return TypedResults.Json(new FeatureCollection<PremisesFeature>(matched, features.Count, DateTimeOffset.UtcNow, links, features), contentType: GeoJson);
    }

    public static async Task<IResult> GetPremises(long id, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<PremisesRow>(ById, new { id, scope = caller.Scope })
            ?? throw Problems.NotFound($"No premises has the id {id}.");
        ETags.Set(http.Response, row.Version);
        if (http.Request.Headers.IfNoneMatch == ETags.For(row.Version)) return TypedResults.StatusCode(304);
        return TypedResults.Json(row.ToFeature(), contentType: GeoJson);
    }

    public static async Task<IResult> CreatePremises(
        [FromBody] JsonElement feature, Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("CRS of the coordinates: EPSG:4326 (default), EPSG:4490 or EPSG:4513-4554.")] string? crs = null)
    {
        UnicodeText.Ensure(feature);
        var draft = PremisesReader.ReadFeature(feature, Crs.Parse(crs));
        await using var conn = await db.OpenConnectionAsync();
        var zone = await CheckPlaceAsync(conn, draft, null, caller);
        await using var tx = await new RecordedChange("created").BeginAsync(conn);
        var id = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO premises (zone_code, code, parcel_id, name, owner_name, owner_kind, owner_credit_code, floor_area_m2, floors, built_year,
                                  condition, vacancy, vacant_floor_area_m2, vacant_since, footprint, created_by, updated_by)
            VALUES (@zone, @Code, @ParcelId, @Name, @OwnerName, @OwnerKind, @OwnerCreditCode, @FloorAreaM2, @Floors, @BuiltYear,
                    @Condition, @Vacancy, @VacantFloorAreaM2, @VacantSince, register_geometry(@Footprint), @by, @by)
            RETURNING id
            """, Args(draft, new { zone, by = caller.Name }), tx);
        var row = await conn.QuerySingleAsync<PremisesRow>(ById, new { id, scope = caller.Scope }, tx);
        await tx.CommitAsync();
        ETags.Set(http.Response, row.Version);
        http.Response.Headers.Location = $"/api/premises/{row.Id}";
        return TypedResults.Json(row.ToFeature(), contentType: GeoJson, statusCode: 201);
    }

    public static async Task<IResult> PatchPremises(
        long id, [FromBody] JsonElement patch, Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("CRS of the footprint's coordinates, as for create.")] string? crs = null)
    {
        UnicodeText.Ensure(patch);
        var version = ETags.RequiredVersion(http.Request);
        var inputCrs = Crs.Parse(crs);
        await using var conn = await db.OpenConnectionAsync();
        var current = await conn.QuerySingleOrDefaultAsync<PremisesRow>(ById, new { id, scope = caller.Scope })
            ?? throw Problems.NotFound($"No premises has the id {id}.");
        var draft = PremisesReader.ReadPatch(patch, current.ToInput(), inputCrs);
        var zone = await CheckPlaceAsync(conn, draft, id, caller);
        if (zone != current.ZoneCode) throw Problems.Invalid("properties.parcelId", "a premises cannot move to another zone's parcel");
        var reason = patch.TryGetProperty("reason", out var r) ? r.GetString() : null;
        await using var tx = await new RecordedChange("updated", reason).BeginAsync(conn);
        var written = await conn.ExecuteScalarAsync<long?>($"""
            UPDATE premises SET code = @Code, parcel_id = @ParcelId, name = @Name, owner_name = @OwnerName, owner_kind = @OwnerKind,
                owner_credit_code = @OwnerCreditCode, floor_area_m2 = @FloorAreaM2, floors = @Floors, built_year = @BuiltYear,
                condition = @Condition, vacancy = @Vacancy, vacant_floor_area_m2 = @VacantFloorAreaM2, vacant_since = @VacantSince,
                footprint = coalesce(register_geometry(@Footprint::geometry), footprint), updated_by = @by
            WHERE {Changeable} RETURNING id
            """, Args(draft, new { id, version, by = caller.Name, scope = caller.Scope }), tx);
        if (written is null) throw await WhyNotWrittenAsync(conn, id, caller);
        var row = await conn.QuerySingleAsync<PremisesRow>(ById, new { id, scope = caller.Scope }, tx);
        await tx.CommitAsync();
        ETags.Set(http.Response, row.Version);
        return TypedResults.Json(row.ToFeature(), contentType: GeoJson);
    }

    public static async Task<IResult> RetirePremises(
        long id, Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("Why the premises is retired (demolished, merged…), for its history.")] string? reason = null)
    {
        var version = ETags.RequiredVersion(http.Request);
        if (reason is not null && !Text.IsPlain(reason)) throw Problems.BadRequest("reason", Text.ControlCharacters);
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await new RecordedChange("retired", reason).BeginAsync(conn);
        var newVersion = await conn.QuerySingleOrDefaultAsync<long?>(
            $"UPDATE premises SET retired_at = now(), updated_by = @by WHERE {Changeable} RETURNING version",
            new { id, version, by = caller.Name, scope = caller.Scope }, tx);
        if (newVersion is null) throw await WhyNotWrittenAsync(conn, id, caller);
        await tx.CommitAsync();
        ETags.Set(http.Response, newVersion.Value);
        return TypedResults.NoContent();
    }

    public static async Task<PremisesHistory> GetPremisesHistory(long id, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<PremisesHistoryRow>($"""
            SELECT version, recorded_at, kind, actor, reason, state::text AS state, footprint IS NOT NULL AS footprint_changed
            FROM premises_history WHERE premises_id = @id AND {Caller.InScope()} ORDER BY version
            """, new { id, scope = caller.Scope })).AsList();
        if (rows.Count == 0) throw Problems.NotFound($"No premises has the id {id}.");
        var confidential = Caller.AudienceOf(http) >= Audience.Confidential;
        return new PremisesHistory(id, rows.Select((row, i) => row.ToEntry(i == 0 ? null : rows[i - 1], confidential)).ToList());
    }

    /// <summary>The condition of every change: the version read, still standing, in scope.</summary>
    static readonly string Changeable = $"id = @id AND (@version::bigint IS NULL OR version = @version) AND retired_at IS NULL AND {Caller.InScope()}";

    static DynamicParameters Args(PremisesDraft draft, object more)
    {
        var args = new DynamicParameters(draft);
        args.AddDynamicParams(more);
        return args;
    }

    sealed record Place(string ZoneCode, bool Retired, double? OnParcel);

    /// <summary>
    /// The zone of the parcel the premises stands on, after checking it is in the caller's zones and in use,
    /// and that at least half of the footprint lies on it. Returns 422 naming the field otherwise.
    /// </summary>
    static async Task<string> CheckPlaceAsync(NpgsqlConnection conn, PremisesDraft draft, long? id, Caller caller)
    {
        if (draft.Footprint is not null) GeometryValidity.EnsureValid(draft.Footprint, "geometry");
        var place = await conn.QuerySingleOrDefaultAsync<Place>($"""
            SELECT p.zone_code, p.retired_at IS NOT NULL AS retired,
                   ST_Area(ST_Intersection(f.g, p.geom)::geography) / nullif(ST_Area(f.g::geography), 0) AS on_parcel
            FROM parcel p,
                 (SELECT coalesce(register_geometry(@footprint::geometry), (SELECT footprint FROM premises WHERE id = @id)) AS g) f
            WHERE p.id = @parcelId AND {Caller.InScope("p.zone_code")}
            """, new { footprint = draft.Footprint, id, parcelId = draft.ParcelId, scope = caller.Scope })
            ?? throw Problems.Invalid("properties.parcelId", $"no parcel has the id {draft.ParcelId}");
        if (place.Retired) throw Problems.Invalid("properties.parcelId", $"parcel {draft.ParcelId} is retired");
        if (place.OnParcel is not >= 0.5)
            throw Problems.Invalid("geometry", string.Create(CultureInfo.InvariantCulture,
                $"the footprint must stand on parcel {draft.ParcelId}: {place.OnParcel ?? 0:P0} of it does, at least half must"));
        return place.ZoneCode;
    }

    static async Task<ProblemException> WhyNotWrittenAsync(NpgsqlConnection conn, long id, Caller caller)
    {
        var current = await conn.QuerySingleOrDefaultAsync<(long Version, DateTime? RetiredAt)>(
            $"SELECT version, retired_at FROM premises WHERE id = @id AND {Caller.InScope()}", new { id, scope = caller.Scope });
        if (current == default) return Problems.NotFound($"No premises has the id {id}.");
        if (current.RetiredAt is { } at) return Problems.Conflict("id", $"premises {id} was retired at {at:O}; retired premises are kept as they were");
        return Problems.PreconditionFailed(ETags.For(current.Version));
    }
}
