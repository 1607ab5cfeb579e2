namespace LandRegister.Api.Ledger;

/// <summary>Every write to <c>ledger_item</c> and <c>ledger_progress</c>; the trigger keeps the item's versions.</summary>
static class LedgerWrites
{
    public const string Insert = """
        INSERT INTO ledger_item (source_id, zone_code, number, problem, measures, lead_unit, cooperating_units, responsible_person, deadline,
                                 long_term, category, parcel_ids, enterprise_codes, premises_ids, supply_ids, lease_ids, targets, created_by, updated_by)
        VALUES (@SourceId, @zone, btrim(@Number::text), @Problem::text, @Measures::text[], btrim(@LeadUnit::text), coalesce(@CooperatingUnits::text[], '{}'), @ResponsiblePerson::text,
                @Deadline::date, coalesce(@LongTerm::boolean, false), @Category::text, coalesce(@ParcelIds::bigint[], '{}'), coalesce(@EnterpriseCodes::text[], '{}'),
                coalesce(@PremisesIds::bigint[], '{}'), coalesce(@SupplyIds::bigint[], '{}'), coalesce(@LeaseIds::bigint[], '{}'), coalesce(@Targets::jsonb, '[]'), @by, @by)
        RETURNING id
        """;

    /// <summary>Members given replace the item's; those absent (null) stay. Writes only at the version read (<c>@version</c>).</summary>
    public const string Update = """
        UPDATE ledger_item SET
            number = coalesce(btrim(@Number::text), number), problem = coalesce(@Problem::text, problem), measures = coalesce(@Measures::text[], measures),
            lead_unit = coalesce(btrim(@LeadUnit::text), lead_unit), cooperating_units = coalesce(@CooperatingUnits::text[], cooperating_units),
            responsible_person = coalesce(@ResponsiblePerson::text, responsible_person), deadline = coalesce(@Deadline::date, deadline),
            long_term = coalesce(@LongTerm::boolean, long_term), category = coalesce(@Category::text, category), parcel_ids = coalesce(@ParcelIds::bigint[], parcel_ids),
            enterprise_codes = coalesce(@EnterpriseCodes::text[], enterprise_codes), premises_ids = coalesce(@PremisesIds::bigint[], premises_ids),
            supply_ids = coalesce(@SupplyIds::bigint[], supply_ids), lease_ids = coalesce(@LeaseIds::bigint[], lease_ids), targets = coalesce(@Targets::jsonb, targets),
            updated_by = @by
        WHERE id = @id AND (@version::bigint IS NULL OR version = @version)
        """;

    public static object Args(LedgerItemInput i, string zone, string by, long? id = null, long? version = null) => new
    {
        i.SourceId, zone, i.Number, i.Problem, i.Measures, i.LeadUnit, i.CooperatingUnits, i.ResponsiblePerson, i.Deadline, i.LongTerm, i.Category,
        i.ParcelIds, i.EnterpriseCodes, i.PremisesIds, i.SupplyIds, i.LeaseIds, Targets = i.Targets is null ? null : LedgerTargets.Store(i.Targets),
        by, id, version,
    };

    /// <summary>A progress entry and the status it moves the item to, at the version read.</summary>
    /// <param name="Kind">progress, closed or reopened: the kind of the item's new version.</param>
    public sealed record Step(long Id, long? Version, string From, string To, DateOnly? Date, string Text, long[] EvidenceIds, string By,
        string? CompletedBy, string Kind);

    /// <summary>Records a step; null when the item has changed since it was read.</summary>
    public static async Task<(LedgerProgressRow Progress, long Version)?> ProgressAsync(NpgsqlConnection conn, Step step)
    {
        var change = new RecordedChange(step.Kind, step.Text) { ValidFrom = ValidTime.From(step.Date) };
        await using var tx = await change.BeginAsync(conn);
        var version = await conn.QuerySingleOrDefaultAsync<long?>("""
            UPDATE ledger_item SET status = @To, completed_by = @CompletedBy, updated_by = @By
            WHERE id = @Id AND (@Version::bigint IS NULL OR version = @Version) AND status = @From
            RETURNING version
            """, step, tx);
        if (version is null) return null;
        var progress = await conn.QuerySingleAsync<LedgerProgressRow>($"""
            INSERT INTO ledger_progress (item_id, entry_date, text, status_from, status_to, evidence_ids, actor)
            VALUES (@Id, coalesce(@Date, @today), @Text, @From, @To, @EvidenceIds, @By)
            RETURNING {LedgerProgressRow.Columns}
            """, new { step.Id, step.Date, today = RegisterClock.Today, step.Text, step.From, step.To, step.EvidenceIds, step.By }, tx);
        await tx.CommitAsync();
        return (progress, version.Value);
    }
}
