using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Spatial;
using LandRegister.Api.Zones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Reserves;

public static class ReservesApi
{
    const string GeoJson = FeatureCollection<ParcelFeature>.MediaType;

    public static RouteGroupBuilder MapReserves(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reserves").WithTags("Reserves");
        group.MapGet("/", ListReserves).WithName(nameof(ListReserves)).RequireAuthorization(Permission.ReadRegister)
            .Produces<FeatureCollection<ReserveBlockFeature>>(200, GeoJson)
            .WithSummary("Contiguous clean-land blocks (集中连片净地) of at least minAreaMu, largest first").Exportable();
        group.MapGet("/target", GetReserveTarget).WithName(nameof(GetReserveTarget)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Whether a zone meets its yearly reserve target, now or at the end of a past year");
        group.MapPut("/target/{year:int}", PutReserveTarget).WithName(nameof(PutReserveTarget)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Set a zone's reserve target for a year (If-Match to change one already set)");
        return group;
    }

    public static async Task<IResult> ListReserves(
        Caller caller, NpgsqlDataSource db, LandUseCodes uses, ReserveSettings settings, HttpRequest request,
        [Description("Only this zone's blocks.")] string? zone = null,
        [Description("Smallest block, in mu (default: the target's, 500).")] double? minAreaMu = null,
        [Description("Parcels this close, in metres (to the centimetre), belong to one block (default 0: touching; e.g. 30 across a road).")] double? gapM = null,
        [Description("Land-use codes of reserve land, comma-separated; each with its sub-codes (default 1001, industrial).")] string? landUse = null,
        [Description(Export.ResultsFormatDescription)] string? format = null)
    {
        var export = Export.Requested(request, format);
        var rule = await ReserveRule.FromAsync(landUse, gapM, settings, uses);
        if (minAreaMu is < 0) throw Problems.Invalid("minAreaMu", "must not be negative");
        var current = await ReserveBlocks.ForCallerAsync(db, caller, rule, zone);
        var args = new DynamicParameters(current.Args);
        args.Add("min", Area.SquareMetres(minAreaMu ?? settings.TargetAreaMu));
        await using var conn = await db.OpenConnectionAsync();
        var blocks = (await conn.QueryAsync<ReserveBlockRow>($"""
            SELECT {ReserveBlockRow.Columns} FROM reserve_block
            WHERE zone_code = ANY(@zones) AND land_uses = @uses AND gap_m = @gap AND area_m2 >= @min
            ORDER BY area_m2 DESC, zone_code, block_id
            """, args)).Select(r => r.ToFeature()).ToList();
        if (export is { } file) return Export.File(file, ReserveExport.Blocks, blocks);
        var links = new List<Link> { new(Links.Self(request), "self", GeoJson) };
        return TypedResults.Json(new FeatureCollection<ReserveBlockFeature>(blocks.Count, blocks.Count, DateTimeOffset.UtcNow, links, blocks),
            contentType: GeoJson);
    }

    public static async Task<Ok<ReserveTargetStatus>> GetReserveTarget(
        Caller caller, NpgsqlDataSource db, LandUseCodes uses, ReserveSettings settings, HttpResponse response,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("The year (default this year): a past year is answered from the land as it stood at its end (valid time).")] int? year = null,
        [Description("An instant (ISO 8601): answer from what the register had recorded by then, as an auditor sees what it said at the time.")]
        DateTimeOffset? recordedAsOf = null)
    {
        var code = ZoneScope.Of(zone, caller);
        var today = RegisterClock.Today;
        var y = year ?? today.Year;
        var errors = new FieldErrors();
        if (y < 2000 || y > today.Year) errors.Add("year", $"between 2000 and {today.Year}");
        (_, recordedAsOf) = ValidTime.CheckAsOf(null, recordedAsOf, errors);
        errors.ThrowIfAny();
        await using (var conn = await db.OpenConnectionAsync()) await ZoneScope.RequireAsync(conn, code, caller);
        var (status, version) = await ReserveTargets.StatusAsync(db, code, y, recordedAsOf, settings, uses);
        ETags.Set(response, version);
        return TypedResults.Ok(status);
    }

    public static async Task<Ok<ReserveTarget>> PutReserveTarget(
        int year, ReserveTargetInput input, Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("The zone (optional for a key of one zone).")] string? zone = null)
    {
        var target = input.Validate();
        if (year is < 2000 or > 2100) throw Problems.Invalid("year", "between 2000 and 2100");
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var current = await conn.QuerySingleOrDefaultAsync<long?>("SELECT version FROM reserve_target WHERE zone_code = @code AND year = @year", new { code, year });
        long? version;
        if (current is null)
            version = await conn.QuerySingleOrDefaultAsync<long?>("""
                INSERT INTO reserve_target (zone_code, year, min_blocks, min_area_mu, updated_by) VALUES (@code, @year, @MinBlocks, @MinAreaMu, @by)
                ON CONFLICT DO NOTHING RETURNING version
                """, new { code, year, target.MinBlocks, target.MinAreaMu, by = caller.Name });
        else
            version = await conn.QuerySingleOrDefaultAsync<long?>("""
                UPDATE reserve_target SET min_blocks = @MinBlocks, min_area_mu = @MinAreaMu, updated_by = @by, updated_at = now(), version = version + 1
                WHERE zone_code = @code AND year = @year AND (@expected::bigint IS NULL OR version = @expected) RETURNING version
                """, new { code, year, target.MinBlocks, target.MinAreaMu, by = caller.Name, expected = ETags.RequiredVersion(http.Request) });
        if (version is null) throw Problems.PreconditionFailed(ETags.For(await conn.ExecuteScalarAsync<long>(
            "SELECT version FROM reserve_target WHERE zone_code = @code AND year = @year", new { code, year })));
        ETags.Set(http.Response, version.Value);
        return TypedResults.Ok(target);
    }
}
