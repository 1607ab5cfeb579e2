using LandRegister.Api.Jobs;
using LandRegister.Api.Parcels;
using NpgsqlTypes;

namespace LandRegister.Api.IdleLand;

/// <summary>
/// One idle-land run over a zone's supplied land, as a background run: applies <see cref="IdleLandRule"/> to every
/// supplied parcel as it stood on the day assessed, writes the findings, moves the parcels found idle to <c>idle</c>
/// and those it found idle before and no longer are back, and makes the findings the zone's — in the run's transaction.
/// </summary>
public sealed class IdleLandRun : IRun
{
    public static readonly RunKind IdleLand = new("idle_land", "/api/idle-land/runs", today => (null, today));

    public RunKind Kind => IdleLand;

    /// <summary>A supplied parcel as read (a class: Dapper maps arrays only onto properties).</summary>
    sealed class Candidate
    {
        public long Id { get; init; }
        /// <summary>Its status on the day assessed.</summary>
        public string Status { get; init; } = "";
        /// <summary>Its status now, which the run moves.</summary>
        public string LiveStatus { get; init; } = "";
        public DateTime ConstructionStartBy { get; init; }
        public decimal? PriceWan { get; init; }
        public DateOnly? StartedOn { get; init; }
        public decimal? DevelopedShare { get; init; }
        public decimal? InvestedShare { get; init; }
        public DateTime? StoppedSince { get; init; }
        public DateOnly[]? ExemptFrom { get; init; }
        public DateOnly[]? ExemptTo { get; init; }
    }

    /// <summary>Supplied parcels as they stood on the day assessed (valid time), with their agreed start, the latest
    /// progress report and the exemptions (joined in bulk: most parcels have neither, and a lookup per parcel would
    /// cost more than reading both tables once). Parcels changed since that day are read from their history
    /// (<see cref="ParcelSql.ZoneAsOfAsync"/>).</summary>
    static string Candidates(string? asOf) => $"""
        WITH {(asOf is null ? "" : asOf + ",")}
        progress AS (
            SELECT DISTINCT ON (parcel_id) parcel_id, developed_share, invested_share, stopped_since
            FROM construction_progress WHERE reported_on <= @day ORDER BY parcel_id, reported_on DESC, id DESC),
        exemptions AS (
            -- An exemption still running is open to the end of time, which the rule reads as up to the day assessed.
            SELECT parcel_id, array_agg(from_date) AS exempt_from, array_agg(coalesce(to_date, '9999-12-31')) AS exempt_to
            FROM idle_exemption GROUP BY parcel_id)
        SELECT p.id, p.status, live.status AS live_status, s.construction_start_by, s.price_wan, p.construction_started_on AS started_on,
               g.developed_share, g.invested_share, g.stopped_since, x.exempt_from, x.exempt_to
        FROM parcel p
        JOIN public.parcel live ON live.id = p.id
        JOIN parcel_supply s ON s.id = p.supply_id
        LEFT JOIN progress g ON g.parcel_id = p.id
        LEFT JOIN exemptions x ON x.parcel_id = p.id
        WHERE p.zone_code = @zone AND p.retired_at IS NULL AND p.supply_id IS NOT NULL AND p.status IN ('supplied', 'under_construction', 'idle')
        """;

    const string CopyFindings = """
        COPY idle_finding (run_id, zone_code, parcel_id, rule, clock_from, idle_days, exempt_days, fee_wan, reclaimable, missing)
        FROM STDIN (FORMAT BINARY)
        """;

    public async Task<object> RunAsync(RunWork work, CancellationToken ct)
    {
        var (run, conn, tx, phases) = work;
        var asOf = run.AsOf ?? throw new InvalidOperationException("an idle-land run needs the day it assesses");
        await phases.EnterAsync("reading supplied land", 0.1);
        var idle = new List<long>();
        var notIdle = new List<(long Id, string Status)>();
        var found = new List<(long Id, IdleFinding Finding)>();
        var end = RegisterClock.StartOf(asOf.AddDays(1)).AddTicks(-10).ToUniversalTime();
        var then = await ParcelSql.ZoneAsOfAsync(conn, tx, run.ZoneCode, end);
        await foreach (var c in conn.QueryUnbufferedAsync<Candidate>(Candidates(then), new { zone = run.ZoneCode, day = asOf.ToDateTime(TimeOnly.MinValue) }, tx))
        {
            var started = c.Status == ParcelStatus.UnderConstruction || c.StartedOn <= asOf;
            var construction = new Construction(DateOnly.FromDateTime(c.ConstructionStartBy), started,
                (double?)c.DevelopedShare, (double?)c.InvestedShare, c.StoppedSince is { } stop ? DateOnly.FromDateTime(stop) : null, c.PriceWan);
            var exemptions = (c.ExemptFrom ?? []).Select((from, i) => new Exemption(from, c.ExemptTo![i])).ToList();
            var finding = IdleLandRule.Assess(construction, exemptions, asOf);
            if (finding is { Idle: false })
                found.Add((c.Id, finding)); // listed, and its status left as it is: the rule cannot say
            else if (finding is not null)
            {
                found.Add((c.Id, finding));
                if (c.LiveStatus != ParcelStatus.Idle) idle.Add(c.Id);
            }
            else if (c.LiveStatus == ParcelStatus.Idle) notIdle.Add((c.Id, started ? ParcelStatus.UnderConstruction : ParcelStatus.Supplied));
        }
        await phases.EnterAsync("writing findings", 0.6);
        await WriteAsync(conn, run, found, ct);

        await phases.EnterAsync("moving parcels", 0.8);
        var details = new Dictionary<string, object?> { ["run"] = run.Id, ["asOf"] = asOf };
        await new RecordedChange("idle_land", $"idle-land run of {asOf:yyyy-MM-dd}: idle under MLR Order 53", details).DescribeAsync(conn, tx);
        var moved = await ParcelWrites.MoveStatusesAsync(conn, tx, idle.ToArray(), idle.Select(_ => ParcelStatus.Idle).ToArray(),
            [ParcelStatus.Supplied, ParcelStatus.UnderConstruction], "idle_land", onlyOwn: false, run.Actor, ct);
        await new RecordedChange("idle_land", $"idle-land run of {asOf:yyyy-MM-dd}: no longer idle", details).DescribeAsync(conn, tx);
        // Only land this rule made idle: a building found vacant on completion stays idle until a person says otherwise.
        var restored = await ParcelWrites.MoveStatusesAsync(conn, tx, notIdle.Select(n => n.Id).ToArray(), notIdle.Select(n => n.Status).ToArray(),
            [ParcelStatus.Idle], "idle_land", onlyOwn: true, run.Actor, ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO idle_current (zone_code, run_id) VALUES (@zone, @id) ON CONFLICT (zone_code) DO UPDATE SET run_id = excluded.run_id
            """, new { zone = run.ZoneCode, id = run.Id }, tx, cancellationToken: ct));
        return new
        {
            asOf, findings = found.Count(f => f.Finding.Idle), notDeterminable = found.Count(f => !f.Finding.Idle),
            feesWan = found.Sum(f => f.Finding.FeeWan ?? 0), reclaimable = found.Count(f => f.Finding.Reclaimable),
            parcelsMarkedIdle = moved, parcelsNoLongerIdle = restored, seconds = phases.Seconds(),
        };
    }

    static async Task WriteAsync(NpgsqlConnection conn, JobRunRow run, List<(long Id, IdleFinding Finding)> found, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(CopyFindings, ct);
        foreach (var (id, f) in found)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(run.Id, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(run.ZoneCode, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(id, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(f.Rule, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.ClockFrom, NpgsqlDbType.Date, ct);
            await copy.WriteAsync(f.DaysSinceClockStart, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(f.ExemptDays, NpgsqlDbType.Integer, ct);
            if (f.FeeWan is { } fee) await copy.WriteAsync(fee, NpgsqlDbType.Numeric, ct);
            else await copy.WriteNullAsync(ct);
            await copy.WriteAsync(f.Reclaimable, NpgsqlDbType.Boolean, ct);
            await copy.WriteAsync((f.Missing ?? []).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        }
        await copy.CompleteAsync(ct);
    }
}
