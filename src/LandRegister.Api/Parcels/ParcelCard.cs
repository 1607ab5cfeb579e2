using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using Mapster;

namespace LandRegister.Api.Parcels;

/// <summary>
/// What the map's details panel shows of a parcel: code, status, uses with their names, park, area; for staff its
/// name; for roles cleared for enterprise figures its land-right holder and the holder's per-mu tax.
/// </summary>
/// <param name="PlannedUseName">The planned use's name in the national classification, Chinese and English.</param>
/// <param name="Holder">The land-right holder (the recipient of the parcel's supply record) and its latest evaluated figures.</param>
public sealed record ParcelCard(
    long Id,
    string Code,
    string Status,
    string? PlannedUse,
    UseName? PlannedUseName,
    string? ActualUse,
    UseName? ActualUseName,
    string? ParkCode,
    string? ParkName,
    double AreaMu,
    [property: Audience(Audience.Internal)] string? Name,
    [property: Audience(Audience.Internal)] string? ZoneCode,
    [property: Audience(Audience.Confidential)] ParcelHolder? Holder);

public sealed record UseName(string Zh, string En);

/// <param name="Year">The latest year with a current evaluation of the holder, if any.</param>
/// <param name="TaxPerMuWan">The holder's tax per mu of its land in that year, 万元/亩.</param>
/// <param name="Class">The holder's evaluation class that year: A, B, C, D, or T (not ranked).</param>
public sealed record ParcelHolder(string Name, string CreditCode, int? Year, decimal? TaxPerMuWan, string? Class, bool? LowEfficiency);

public static class ParcelCardApi
{
    internal sealed class CardRow
    {
        public long Id { get; init; }
        public string Code { get; init; } = "";
        public string Status { get; init; } = "";
        public string? PlannedUse { get; init; }
        public string? PlannedZh { get; init; }
        public string? PlannedEn { get; init; }
        public string? ActualUse { get; init; }
        public string? ActualZh { get; init; }
        public string? ActualEn { get; init; }
        public string? ParkCode { get; init; }
        public string? ParkName { get; init; }
        public double AreaM2 { get; init; }
        public string? Name { get; init; }
        public string ZoneCode { get; init; } = "";
        public string? HolderName { get; init; }
        public string? HolderCode { get; init; }
        public int? Year { get; init; }
        public decimal? TaxPerMu { get; init; }
        public string? Class { get; init; }
        public bool? LowEfficiency { get; init; }
    }

    public static async Task<ParcelCard> GetParcelCard(long id, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        await using var conn = await db.OpenConnectionAsync();
        // The holder's figures are read only for a caller cleared to see them.
        var row = await conn.QuerySingleOrDefaultAsync<CardRow>($"""
            SELECT p.id, p.code, p.status, p.planned_use, pu.name_zh AS planned_zh, pu.name_en AS planned_en,
                   p.actual_use, au.name_zh AS actual_zh, au.name_en AS actual_en, p.park_code, k.name AS park_name,
                   p.area_m2, p.name, p.zone_code, s.recipient_name AS holder_name, s.recipient_credit_code AS holder_code,
                   r.year, r.tax_per_mu, r.class, r.low_efficiency
            FROM parcel p
            LEFT JOIN land_use pu ON pu.code = p.planned_use
            LEFT JOIN land_use au ON au.code = p.actual_use
            LEFT JOIN park k ON k.code = p.park_code
            LEFT JOIN parcel_supply s ON s.id = p.supply_id AND @confidential
            LEFT JOIN LATERAL (
                SELECT c.year, r.tax_per_mu, r.class, r.low_efficiency
                FROM evaluation_current c JOIN evaluation_result r ON r.run_id = c.run_id AND r.credit_code = s.recipient_credit_code
                WHERE c.zone_code = p.zone_code ORDER BY c.year DESC LIMIT 1) r ON true
            WHERE p.id = @id AND {Caller.InScope("p.zone_code")}
            """, new { id, scope = caller.Scope, confidential = Caller.AudienceOf(http) >= Audience.Confidential })
            ?? throw Problems.NotFound($"No parcel has the id {id}.");
        return row.Adapt<ParcelCard>();
    }

    sealed class CardMapping : IRegister
    {
        public void Register(TypeAdapterConfig config) =>
            config.NewConfig<CardRow, ParcelCard>()
                .Map(d => d.PlannedUseName, s => s.PlannedZh == null ? null : new UseName(s.PlannedZh, s.PlannedEn!))
                .Map(d => d.ActualUseName, s => s.ActualZh == null ? null : new UseName(s.ActualZh, s.ActualEn!))
                .Map(d => d.AreaMu, s => Area.Mu(s.AreaM2))
                .Map(d => d.Holder, s => s.HolderName == null
                    ? null : new ParcelHolder(s.HolderName, s.HolderCode!, s.Year, s.TaxPerMu, s.Class, s.LowEfficiency));
    }
}
