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
    /// <summary>What a block is made of: a change after the instant in any other attribute (a name) leaves its blocks alone.</summary>
    static readonly string[] BlockAttributes = ["zone_code", "code", "park_code", "planned_use", "status", "geom", "retired_at"];

    sealed record TargetRow(int MinBlocks, decimal MinAreaMu, long Version);

    sealed class BlockRow
    {
        public string BlockId { get; init; } = "";
        public double AreaM2 { get; init; }
        public string[] ParcelCodes { get; init; } = [];
        public string[] ParkCodes { get; init; } = [];
    }

    /// <summary>
    /// The status, and the version of the zone's stored target for the year (0: the default applies). A
    /// <paramref name="countOnly"/> status (the ledger's) has its blocks' areas but neither their parcels nor the count of
    /// parcels known then.
    /// </summary>
    public static async Task<(ReserveTargetStatus Status, long Version)> StatusAsync(
        NpgsqlDataSource db, string zone, int year, DateTimeOffset? recordedAsOf, ReserveSettings settings, LandUseCodes uses,
        bool countOnly = false)
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
        }
        // The land as it stood at a past instant is the land today when nothing of the zone changed in valid time since
        // (and no earlier record time is asked for): the current blocks answer, without reading the history.
        var fromHistory = asOf is { } past && (recordedAsOf is not null || await ParcelSql.ChangedSinceAsync(conn, zone, past, BlockAttributes));
        if (fromHistory)
        {
            args.AddDynamicParams(new { asOf, recordedAsOf });
            var relation = ParcelSql.AsOf("h.zone_code = @zone");
            blocks = (await conn.QueryAsync<BlockRow>(ReserveBlocks.AsOf(relation), args)).ToList();
            if (!countOnly)
                parcelsRecorded = await conn.ExecuteScalarAsync<long>($"WITH {relation} SELECT count(*) FROM parcel WHERE retired_at IS NULL", args);
        }
        else
        {
            await ReserveBlocks.EnsureAsync(db, zone, rule);
            // Only the blocks that may meet the target's area are read (those whose area rounds to it, and a little
            // less): a zone of a million parcels has 66,667 blocks, and reading them all took 65-111 ms of a ledger page.
            args.Add("floor", Area.SquareMetres(target.MinAreaMu - 0.001));
            blocks = (await conn.QueryAsync<BlockRow>($"""
                SELECT block_id, area_m2, {(countOnly ? "'{}'::text[] AS parcel_codes, '{}'::text[] AS park_codes" : "parcel_codes, park_codes")}
                FROM reserve_block WHERE zone_code = @zone AND land_uses = @uses AND gap_m = @gap AND area_m2 >= @floor ORDER BY area_m2 DESC
                """, args)).ToList();
            if (asOf is not null && !countOnly)
                parcelsRecorded = await conn.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM parcel WHERE zone_code = @zone AND retired_at IS NULL AND existed_from <= @asOf", new { zone, asOf });
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
