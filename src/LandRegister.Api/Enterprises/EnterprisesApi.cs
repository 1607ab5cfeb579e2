using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using Mapster;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Enterprises;

public static class EnterprisesApi
{
    public static RouteGroupBuilder MapEnterprises(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/enterprises").WithTags("Enterprises");
        group.MapPost("/", CreateEnterprise).WithName(nameof(CreateEnterprise)).RequireAuthorization(Permission.EditEnterprises)
            .WithSummary("Register an enterprise, with the parcels it rents");
        group.MapGet("/", ListEnterprises).WithName(nameof(ListEnterprises)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("List enterprises");
        group.MapGet("/{creditCode}", GetEnterprise).WithName(nameof(GetEnterprise)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("Get an enterprise by its unified social credit code, with the land it holds or rents");
        group.MapIndicators();
        return group;
    }

    /// <summary>The land an enterprise holds or rents, of the zones the caller may see.</summary>
    static readonly string Land = $"""
        SELECT p.id AS parcel_id, p.code AS parcel_code, p.park_code, 'holder' AS role, NULL::numeric AS share,
               NULL::numeric AS floor_area_m2, p.area_m2
        FROM parcel p JOIN parcel_supply s ON s.id = p.supply_id
        WHERE s.recipient_credit_code = @creditCode AND p.retired_at IS NULL AND {Caller.InScope("p.zone_code")}
        UNION ALL
        SELECT p.id, p.code, p.park_code, 'tenant', t.share, t.floor_area_m2, p.area_m2
        FROM enterprise_tenancy t JOIN parcel p ON p.id = t.parcel_id
        WHERE t.credit_code = @creditCode AND p.retired_at IS NULL AND {Caller.InScope("p.zone_code")}
        ORDER BY 1
        """;

    internal sealed record LandRow(long ParcelId, string ParcelCode, string? ParkCode, string Role, decimal? Share, decimal? FloorAreaM2, double AreaM2)
    {
        public EnterpriseLand ToContract() => this.Adapt<EnterpriseLand>();
    }

    sealed class LandMapping : IRegister
    {
        public void Register(TypeAdapterConfig config) =>
            config.NewConfig<LandRow, EnterpriseLand>().Map(d => d.ParcelAreaMu, s => Area.Mu(s.AreaM2));
    }

    /// <summary>The enterprise with its land, if it is in the caller's zones.</summary>
    internal static async Task<(Enterprise Enterprise, long Version)?> FindAsync(NpgsqlConnection conn, string creditCode, Caller caller, NpgsqlTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<EnterpriseRow>(
            $"SELECT {EnterpriseRow.Columns} FROM enterprise WHERE credit_code = @creditCode AND {Caller.InScope()}",
            new { creditCode, scope = caller.Scope }, tx);
        if (row is null) return null;
        var land = (await conn.QueryAsync<LandRow>(Land, new { creditCode, scope = caller.Scope }, tx)).Select(l => l.ToContract()).ToList();
        return (row.ToContract(land), row.Version);
    }

    public static async Task<Created<Enterprise>> CreateEnterprise(EnterpriseInput input, Caller caller, NpgsqlDataSource db, HttpResponse response)
    {
        input.Validate();
        if (!caller.CanActIn(input.ZoneCode!)) throw Problems.Invalid("zoneCode", "no zone has this code");
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync($"""
            INSERT INTO enterprise (credit_code, zone_code, name, ownership_type, industry_code, main_products, above_scale, utility,
                                    production_started_on, created_by, updated_by)
            VALUES (@CreditCode, @ZoneCode, btrim(@Name), @OwnershipType, @IndustryCode, @products, @aboveScale, @utility, @ProductionStartedOn, @by, @by)
            """, new
            {
                input.CreditCode, input.ZoneCode, input.Name, input.OwnershipType, input.IndustryCode, products = input.MainProducts ?? [],
                aboveScale = input.AboveScale ?? false, utility = input.Utility ?? false, input.ProductionStartedOn, by = caller.Name,
            }, tx);
        await AddTenanciesAsync(conn, tx, input.CreditCode!, input.ZoneCode!, input.Tenancies ?? []);
        var (enterprise, version) = (await FindAsync(conn, input.CreditCode!, caller, tx))!.Value;
        await tx.CommitAsync();
        ETags.Set(response, version);
        return TypedResults.Created($"/api/enterprises/{enterprise.CreditCode}", enterprise);
    }

    static async Task AddTenanciesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string creditCode, string zone, TenancyInput[] tenancies)
    {
        if (tenancies.Length == 0) return;
        var ids = tenancies.Select(t => t.ParcelId!.Value).ToArray();
        var known = (await conn.QueryAsync<long>(
            "SELECT id FROM parcel WHERE id = ANY(@ids) AND zone_code = @zone AND retired_at IS NULL", new { ids, zone }, tx)).ToHashSet();
        var errors = new FieldErrors();
        for (var i = 0; i < ids.Length; i++)
            if (!known.Contains(ids[i])) errors.Add($"tenancies[{i}].parcelId", "no active parcel with this id in the enterprise's zone");
        errors.ThrowIfAny();
        await conn.ExecuteAsync("""
            INSERT INTO enterprise_tenancy (credit_code, parcel_id, share, floor_area_m2)
            SELECT @creditCode, t.parcel_id, t.share, t.floor_area_m2
            FROM unnest(@ids, @shares, @floors) AS t (parcel_id, share, floor_area_m2)
            """, new { creditCode, ids, shares = tenancies.Select(t => t.Share).ToArray(), floors = tenancies.Select(t => t.FloorAreaM2).ToArray() }, tx);
    }

    public static async Task<Ok<Enterprise>> GetEnterprise(string creditCode, Caller caller, NpgsqlDataSource db, HttpResponse response)
    {
        await using var conn = await db.OpenConnectionAsync();
        var (enterprise, version) = await FindAsync(conn, creditCode, caller)
            ?? throw Problems.NotFound($"No enterprise has the credit code '{creditCode}'.");
        ETags.Set(response, version);
        return TypedResults.Ok(enterprise);
    }

    /// <summary>A page of enterprises.</summary>
    public sealed record EnterprisePage(IReadOnlyList<EnterpriseSummary> Items, string? NextCursor);

    [Audience(Audience.Internal)]
    public sealed record EnterpriseSummary(string CreditCode, string ZoneCode, string Name, string? IndustryCode, bool AboveScale, bool Utility);

    public static async Task<Ok<EnterprisePage>> ListEnterprises(
        Caller caller, NpgsqlDataSource db,
        [Description("Only this zone's enterprises.")] string? zone = null,
        [Description("Page size, 1-1000 (default 100).")] int? limit = null,
        [Description("The nextCursor of the previous page.")] string? cursor = null)
    {
        if (limit is < 1 or > 1000) throw Problems.Invalid("limit", "must be between 1 and 1000");
        var take = limit ?? 100;
        await using var conn = await db.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<EnterpriseSummary>($"""
            SELECT credit_code, zone_code, name, industry_code, above_scale, utility FROM enterprise
            WHERE (@zone::text IS NULL OR zone_code = @zone) AND (@cursor::text IS NULL OR credit_code > @cursor) AND {Caller.InScope()}
            ORDER BY credit_code LIMIT @take
            """, new { zone, cursor, take = take + 1, scope = caller.Scope })).ToList();
        var next = rows.Count > take ? rows[take - 1].CreditCode : null;
        return TypedResults.Ok(new EnterprisePage(rows.Take(take).ToList(), next));
    }
}
