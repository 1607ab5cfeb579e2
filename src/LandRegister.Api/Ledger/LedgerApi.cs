using System.ComponentModel;
using System.Globalization;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.LandUses;
using LandRegister.Api.Reserves;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Ledger;

/// <summary>
/// The rectification ledger (整改台账): sources, their items, progress with evidence, closing with four eyes, and the
/// targets the register measures. Items are kept like parcels: in the caller's zones, versioned (ETag / If-Match),
/// never deleted, every version in <c>ledger_item_history</c> with its valid time.
/// </summary>
public static class LedgerApi
{
    public static RouteGroupBuilder MapLedger(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ledger").WithTags("Ledger");
        group.MapGet("/items", ListItems).WithName(nameof(ListItems)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("Items, overdue first, then by deadline, each with its targets as the register measures them; or all as CSV or .xlsx")
            .Produces<LedgerItems>().Exportable();
        group.MapGet("/items/{id:long}", GetItem).WithName(nameof(GetItem)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("One item with its targets");
        group.MapPost("/items", CreateItem).WithName(nameof(CreateItem)).RequireAuthorization(Permission.EditLedger)
            .WithSummary("Record a finding: problem, measures, lead unit, deadline, category, links and targets");
        group.MapPatch("/items/{id:long}", ChangeItem).WithName(nameof(ChangeItem)).RequireAuthorization(Permission.EditLedger)
            .WithSummary("Change an item's text, units, deadline, links or targets (If-Match required)");
        group.MapLedgerSources();
        group.MapLedgerProgress();
        group.MapLedgerEvidence();
        group.MapLedgerTables();
        return group;
    }

    // ----- sources

    static readonly string SourceById = $"SELECT {LedgerSourceRow.Columns} FROM ledger_source s WHERE s.id = @id AND {Caller.InScope("s.zone_code")}";

    internal static async Task<LedgerSourceRow> SourceAsync(NpgsqlConnection conn, long id, Caller caller, NpgsqlTransaction? tx = null) =>
        await conn.QuerySingleOrDefaultAsync<LedgerSourceRow>(SourceById, new { id, scope = caller.Scope }, tx)
        ?? throw Problems.NotFound($"No ledger source has the id {id}.");

    // ----- items

    static readonly string ItemById = $"SELECT {LedgerItemRow.Columns} FROM ledger_item i WHERE i.id = @id AND {Caller.InScope("i.zone_code")}";

    internal static async Task<LedgerItemRow> ItemAsync(NpgsqlConnection conn, long id, Caller caller, NpgsqlTransaction? tx = null) =>
        await conn.QuerySingleOrDefaultAsync<LedgerItemRow>(ItemById, new { id, scope = caller.Scope }, tx)
        ?? throw Problems.NotFound($"No ledger item has the id {id}.");

    /// <summary>The items as the API shows them: with their targets measured.</summary>
    internal static async Task<List<LedgerItem>> ContractsAsync(NpgsqlConnection conn, NpgsqlDataSource db, IReadOnlyList<LedgerItemRow> rows,
        ReserveSettings settings, LandUseCodes uses)
    {
        var targets = await LedgerTargets.MeasureAsync(conn, db, rows, settings, uses);
        var today = RegisterClock.Today;
        return rows.Select(r => r.ToContract(targets[r.Id], today)).ToList();
    }

    /// <summary>A page of items.</summary>
    public sealed record LedgerItems(long NumberMatched, IReadOnlyList<LedgerItem> Items, string? NextCursor);

    /// <summary>The filters of the item list and export, as SQL over <c>ledger_item i</c>.</summary>
    internal sealed record ItemFilter(string? Zone, long? Source, string[] Statuses, string[] Categories, bool? Overdue, long? Parcel = null)
    {
        public static ItemFilter Read(string? zone, long? source, string? status, string? category, bool? overdue, long? parcel = null)
        {
            var errors = new FieldErrors();
            var statuses = Split(status);
            foreach (var s in statuses.Where(s => !LedgerValues.Statuses.ContainsKey(s)))
                errors.AddUnknown("status", $"unknown status '{s}'", LedgerValues.Statuses.Keys);
            var categories = Split(category);
            foreach (var c in categories.Where(c => !LedgerValues.Categories.ContainsKey(c)))
                errors.AddUnknown("category", $"unknown category '{c}'", LedgerValues.Categories.Keys);
            errors.ThrowIfAny();
            return new ItemFilter(zone, source, statuses, categories, overdue, parcel);
        }

        static string[] Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

        public const string Where = """
            (@scope::text[] IS NULL OR i.zone_code = ANY(@scope)) AND (@zone::text IS NULL OR i.zone_code = @zone)
            AND (@source::bigint IS NULL OR i.source_id = @source) AND (@parcel::bigint IS NULL OR @parcel = ANY(i.parcel_ids))
            AND (cardinality(@statuses::text[]) = 0 OR i.status = ANY(@statuses))
            AND (cardinality(@categories::text[]) = 0 OR i.category = ANY(@categories))
            AND (@overdue::boolean IS NULL OR @overdue = (i.deadline < @today AND i.status NOT IN ('completed', 'closed')))
            """;

        /// <summary>Overdue first, then by deadline (long-term last), then by id.</summary>
        public const string Order = """
            coalesce(i.deadline < @today AND i.status NOT IN ('completed', 'closed'), false) DESC, coalesce(i.deadline, 'infinity'::date), i.id
            """;

        public object Args(Caller caller) => new
        {
            scope = caller.Scope, zone = Zone, source = Source, parcel = Parcel, statuses = Statuses, categories = Categories, overdue = Overdue,
            today = RegisterClock.Today,
        };
    }

    public static async Task<IResult> ListItems(
        Caller caller, NpgsqlDataSource db, ReserveSettings settings, LandUseCodes uses, HttpRequest request,
        [Description("Only this zone's items.")] string? zone = null,
        [Description("Only this source's items.")] long? source = null,
        [Description("Statuses, comma-separated: not_started, in_progress, phase_completed, completed, closed.")] string? status = null,
        [Description("Categories, comma-separated: reserves, idle_land, low_efficiency, contracts, rent, use_change, premises, institutions, other.")]
        string? category = null,
        [Description("true: only items past their deadline and not completed; false: only the others.")] bool? overdue = null,
        [Description("Only the items that name this parcel.")] long? parcel = null,
        [Description("Page size, 1-500 (default 100).")] int? limit = null,
        [Description("The nextCursor of the previous page.")] string? cursor = null,
        [Description(Export.FormatDescription)] string? format = null)
    {
        var export = Export.Requested(request, format);
        var filter = ItemFilter.Read(zone, source, status, category, overdue, parcel);
        if (limit is < 1 or > 500) throw Problems.Invalid("limit", "between 1 and 500");
        var skip = 0;
        if (cursor is not null && !int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
            throw Problems.BadRequest("cursor", "not a cursor from a previous page");
        var take = limit ?? 100;
        await using var conn = await db.OpenConnectionAsync();
        var args = new DynamicParameters(filter.Args(caller));
        args.AddDynamicParams(new { skip, take = export is null ? take + 1 : (int?)null });
        var matched = await conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM ledger_item i WHERE {ItemFilter.Where}", args);
        var rows = (await conn.QueryAsync<LedgerItemRow>($"""
            SELECT {LedgerItemRow.Columns} FROM ledger_item i WHERE {ItemFilter.Where} ORDER BY {ItemFilter.Order} OFFSET @skip LIMIT @take
            """, args)).ToList();
        if (export is { } file) return Export.File(file, LedgerExport.Items, await ContractsAsync(conn, db, rows, settings, uses));
        var next = rows.Count > take ? (skip + take).ToString(CultureInfo.InvariantCulture) : null;
        var items = await ContractsAsync(conn, db, rows.Take(take).ToList(), settings, uses);
        return TypedResults.Ok(new LedgerItems(matched, items, next));
    }

    public static async Task<Ok<LedgerItem>> GetItem(long id, Caller caller, NpgsqlDataSource db, ReserveSettings settings, LandUseCodes uses,
        HttpResponse response)
    {
        await using var conn = await db.OpenConnectionAsync();
        var row = await ItemAsync(conn, id, caller);
        ETags.Set(response, row.Version);
        return TypedResults.Ok((await ContractsAsync(conn, db, [row], settings, uses))[0]);
    }

    /// <summary>Checks that every link names a record of the item's zone; 422 naming the first missing one of each kind.</summary>
    static async Task CheckLinksAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string zone, LedgerItemInput input)
    {
        var errors = new FieldErrors();
        var targetParcels = (input.Targets ?? []).SelectMany(t => t.ParcelIds ?? []);
        var missing = await conn.QuerySingleAsync<(long? Parcel, string? Enterprise, long? Premises, long? Supply, long? Lease)>("""
            SELECT (SELECT min(x) FROM unnest(@parcels::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM parcel p WHERE p.id = x AND p.zone_code = @zone)),
                   (SELECT min(x) FROM unnest(@enterprises::text[]) x WHERE NOT EXISTS (SELECT 1 FROM enterprise e WHERE e.credit_code = x AND e.zone_code = @zone)),
                   (SELECT min(x) FROM unnest(@premises::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM premises r WHERE r.id = x AND r.zone_code = @zone)),
                   (SELECT min(x) FROM unnest(@supplies::bigint[]) x WHERE NOT EXISTS (
                        SELECT 1 FROM parcel_supply s JOIN parcel p ON p.id = s.parcel_id WHERE s.id = x AND p.zone_code = @zone)),
                   (SELECT min(x) FROM unnest(@leases::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM lease l WHERE l.id = x AND l.zone_code = @zone))
            """, new
        {
            zone, parcels = (input.ParcelIds ?? []).Concat(targetParcels).ToArray(), enterprises = input.EnterpriseCodes ?? [],
            premises = input.PremisesIds ?? [], supplies = input.SupplyIds ?? [], leases = input.LeaseIds ?? [],
        }, tx);
        if (missing.Parcel is { } p) errors.Add("parcelIds", $"no parcel {p} in zone {zone}");
        if (missing.Enterprise is { } e) errors.Add("enterpriseCodes", $"no enterprise {e} in zone {zone}");
        if (missing.Premises is { } r) errors.Add("premisesIds", $"no premises {r} in zone {zone}");
        if (missing.Supply is { } s) errors.Add("supplyIds", $"no supply record {s} of a parcel in zone {zone}");
        if (missing.Lease is { } l) errors.Add("leaseIds", $"no lease {l} in zone {zone}");
        errors.ThrowIfAny();
    }

    public static async Task<IResult> CreateItem(LedgerItemInput input, Caller caller, NpgsqlDataSource db, ReserveSettings settings, LandUseCodes uses,
        HttpResponse response)
    {
        input.Validate(creating: true);
        await using var conn = await db.OpenConnectionAsync();
        var source = await conn.QuerySingleOrDefaultAsync<LedgerSourceRow>(SourceById, new { id = input.SourceId, scope = caller.Scope })
            ?? throw Problems.Invalid("sourceId", "no ledger source has this id");
        await using var tx = await new RecordedChange("created").BeginAsync(conn);
        await CheckLinksAsync(conn, tx, source.ZoneCode, input);
        var id = await conn.ExecuteScalarAsync<long>(LedgerWrites.Insert, LedgerWrites.Args(input, source.ZoneCode, caller.Name), tx);
        await tx.CommitAsync();
        var row = await ItemAsync(conn, id, caller);
        ETags.Set(response, row.Version);
        return TypedResults.Created($"/api/ledger/items/{id}", (await ContractsAsync(conn, db, [row], settings, uses))[0]);
    }

    public static async Task<Ok<LedgerItem>> ChangeItem(long id, LedgerItemInput input, Caller caller, NpgsqlDataSource db, ReserveSettings settings,
        LandUseCodes uses, HttpContext http)
    {
        var version = ETags.RequiredVersion(http.Request);
        input.Validate(creating: false);
        if (input.SourceId is not null) throw Problems.Invalid("sourceId", "an item stays with its source");
        await using var conn = await db.OpenConnectionAsync();
        var current = await ItemAsync(conn, id, caller);
        if (input.Deadline is null && input.LongTerm == false && current.Deadline is null)
            throw Problems.Invalid("deadline", "required, unless the item is longTerm");
        await using var tx = await new RecordedChange("updated").BeginAsync(conn);
        await CheckLinksAsync(conn, tx, current.ZoneCode, input);
        var changed = await conn.ExecuteAsync(LedgerWrites.Update, LedgerWrites.Args(input, current.ZoneCode, caller.Name, id, version), tx);
        if (changed == 0) throw await WhyNotWrittenAsync(conn, id, caller);
        await tx.CommitAsync();
        var row = await ItemAsync(conn, id, caller);
        ETags.Set(http.Response, row.Version);
        return TypedResults.Ok((await ContractsAsync(conn, db, [row], settings, uses))[0]);
    }

    internal static async Task<ProblemException> WhyNotWrittenAsync(NpgsqlConnection conn, long id, Caller caller)
    {
        var row = await ItemAsync(conn, id, caller);
        return Problems.PreconditionFailed(ETags.For(row.Version));
    }
}
