using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Spatial;

namespace LandRegister.Api.Reserves;

/// <summary>
/// Whether a zone meets its reserve target for a year: the current blocks for this year, the blocks as the land stood at
/// the end of a past year (valid time), or, with a record time, as the register had recorded it by then. Read by
/// <c>GET /api/reserves/target</c> and by the ledger's reserve targets.
/// </summary>
public static class ReserveTargets
{
    sealed record TargetRow(int MinBlocks, decimal MinAreaMu, long Version);

    sealed class BlockRow
    {
        public string BlockId { get; init; } = "";
        public double AreaM2 { get; init; }
        public string[] ParcelCodes { get; init; } = [];
        public string[] ParkCodes { get; init; } = [];
    }

    /// <summary>The status, and the version of the zone's stored target for the year (0: the default applies).</summary>
    public static async Task<(ReserveTargetStatus Status, long Version)> StatusAsync(
        NpgsqlDataSource db, string zone, int year, DateTimeOffset? recordedAsOf, ReserveSettings settings, LandUseCodes uses)
    {
        var today = RegisterClock.Today;
        var rule = await ReserveRule.FromAsync(null, null, settings, uses);
        await using var conn = await db.OpenConnectionAsync();
        var stored = await conn.QuerySingleOrDefaultAsync<TargetRow>(
            "SELECT min_blocks, min_area_mu, version FROM reserve_target WHERE zone_code = @zone AND year = @year", new { zone, year });
        var target = stored is null ? new ReserveTarget(settings.TargetBlocks, settings.TargetAreaMu) : new ReserveTarget(stored.MinBlocks, (double)stored.MinAreaMu);
        var args = new DynamicParameters(ReserveBlocks.Args(zone, rule));
        List<BlockRow> blocks;
        DateTimeOffset? asOf = null;
        long? parcelsRecorded = null;
        if (year < today.Year || recordedAsOf is not null)
        {
            asOf = year < today.Year ? RegisterClock.EndOfYear(year).ToUniversalTime() : recordedAsOf ?? DateTimeOffset.UtcNow;
            if (recordedAsOf < asOf) asOf = recordedAsOf;
            args.AddDynamicParams(new { asOf, recordedAsOf });
            var relation = ParcelSql.AsOf("h.zone_code = @zone");
            blocks = (await conn.QueryAsync<BlockRow>(ReserveBlocks.AsOf(relation), args)).ToList();
            parcelsRecorded = await conn.ExecuteScalarAsync<long>($"WITH {relation} SELECT count(*) FROM parcel WHERE retired_at IS NULL", args);
        }
        else
        {
            await ReserveBlocks.EnsureAsync(db, zone, rule);
            blocks = (await conn.QueryAsync<BlockRow>("""
                SELECT block_id, area_m2, parcel_codes, park_codes FROM reserve_block
                WHERE zone_code = @zone AND land_uses = @uses AND gap_m = @gap ORDER BY area_m2 DESC
                """, args)).ToList();
        }
        var meeting = blocks.Where(b => Area.Mu(b.AreaM2) >= target.MinAreaMu)
            .Select(b => new TargetBlock(b.BlockId, Area.Mu(b.AreaM2), b.ParcelCodes, b.ParkCodes)).ToList();
        var shownAsOf = asOf is { } instant ? TimeZoneInfo.ConvertTime(instant, RegisterClock.TimeZone) : (DateTimeOffset?)null;
        var note = parcelsRecorded == 0
            ? recordedAsOf is null
                ? $"The zone had no parcels at {shownAsOf:O}."
                : $"Nothing had been recorded of the zone's parcels by {recordedAsOf:O}."
            : null;
        var status = new ReserveTargetStatus(zone, year, shownAsOf, target, stored is null, meeting, meeting.Count >= target.MinBlocks)
        {
            RecordedAsOf = recordedAsOf, ParcelsKnown = parcelsRecorded, Note = note,
        };
        return (status, stored?.Version ?? 0);
    }
}
