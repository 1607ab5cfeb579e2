using LandRegister.Api.Access;
using LandRegister.Api.Parcels;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Lifecycle;

/// <summary>Status transitions and supply records of a parcel.</summary>
public static class TransitionsApi
{
    const string GeoJson = FeatureCollection<ParcelFeature>.MediaType;

    sealed record Current(string Status, long Version, DateTime? RetiredAt, long? SupplyId, string ZoneCode);

    static async Task<Current> CurrentAsync(NpgsqlConnection conn, long id, Caller caller, long? version)
    {
        var current = await conn.QuerySingleOrDefaultAsync<Current>(
            $"SELECT status, version, retired_at, supply_id, zone_code FROM parcel WHERE id = @id AND {Caller.InScope()}", new { id, scope = caller.Scope })
            ?? throw Problems.NotFound($"No parcel has the id {id}.");
        if (current.RetiredAt is { } at) throw Problems.Conflict("id", $"parcel {id} was retired at {at:O}; retired parcels are kept as they were");
        if (version is not null && version != current.Version) throw Problems.PreconditionFailed(ETags.For(current.Version));
        return current;
    }

    public static async Task<IResult> TransitionParcel(long id, TransitionInput input, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var version = ETags.RequiredVersion(http.Request);
        var today = RegisterClock.Today;
        input.Validate(today);
        var to = input.To!;
        var validFrom = ValidTime.From(input.EffectiveDate);
        await using var conn = await db.OpenConnectionAsync();
        var current = await CurrentAsync(conn, id, caller, version);

        // A change recorded for the past follows the status machine from the status of that day, and must lead into
        // the next change recorded after that day; what later changes set again stays as they set it.
        var (from, shadowed) = (current.Status, new HashSet<string>());
        if (validFrom is { } at)
        {
            var timeline = await ParcelTimeline.LoadAsync(conn, null, id);
            timeline.CheckExisted(at, "effectiveDate");
            from = timeline.StatusAt(at);
            if (timeline.NextStatusChange(at) is { } next && !StatusMachine.IsLegal(to, next.Status))
                throw Contradicted(to, input.EffectiveDate!.Value, next);
            shadowed = timeline.ChangedAfter(at);
        }
        if (!StatusMachine.TryManual(from, to, out var needs)) throw Illegal(from, to);
        input.CheckNeeds(needs, today);

        var checklist = input.Checklist is null ? null : System.Text.Json.JsonSerializer.Serialize(input.Checklist, ChecklistJson);
        var startedOn = input.EffectiveDate ?? today;
        var endsSupply = StatusMachine.EndsSupply(to);
        var change = new RecordedChange("transition", input.Reason, new Dictionary<string, object?>
        {
            ["from"] = from, ["to"] = to, ["method"] = input.Method, ["effectiveDate"] = input.EffectiveDate ?? today,
            ["approvalRef"] = input.ApprovalRef, ["basis"] = input.Basis, ["evidenceRef"] = input.EvidenceRef, ["vacantSince"] = input.VacantSince,
            ["endsSupply"] = endsSupply && current.SupplyId is not null ? current.SupplyId : null,
        }) { ValidFrom = validFrom };
        await using var tx = await conn.BeginTransactionAsync();
        if (input.Supply is not null) await ContractMinimums.CheckAsync(conn, tx, current.ZoneCode, input.Supply, "supply.");
        long? supplyId = input.Supply is null
            ? null
            : await conn.ExecuteScalarAsync<long>(SupplyRow.Insert, SupplyRow.Args(id, input.Supply, startedOn, caller.Name), tx);
        var transition = new ParcelWrites.Transition(id, version, current.Status, to, supplyId, endsSupply, checklist, startedOn,
            shadowed.ToArray(), caller.Name, caller.Scope);
        await (change with { Values = transition.ShadowedValues() }).DescribeAsync(conn, tx);
        var row = await ParcelWrites.TransitionAsync(conn, tx, transition);
        if (row is null) throw await ParcelSql.WhyNotWrittenAsync(conn, id, caller);
        await tx.CommitAsync();
        ETags.Set(http.Response, row.Version);
        return TypedResults.Json(row.ToFeature(), contentType: GeoJson);
    }

    static readonly System.Text.Json.JsonSerializerOptions ChecklistJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>A 409: a change recorded for the past would make a later recorded change impossible.</summary>
    static ProblemException Contradicted(string to, DateOnly effective, ParcelTimeline.Version next) =>
        new(409, "A later change contradicts this one.",
            $"Version {next.Number} of the parcel ({next.Kind}, effective {RegisterClock.DateOf(next.ValidFrom):yyyy-MM-dd}) moved it to {next.Status}, " +
            $"which cannot follow {to}. Record the change after it, or correct the later change first.",
            new Dictionary<string, string[]> { ["effectiveDate"] = [$"a change to {to} on {effective:yyyy-MM-dd} contradicts version {next.Number}"] },
            new Dictionary<string, object?> { ["contradicts"] = new { version = next.Number, validFrom = next.ValidFrom, status = next.Status, kind = next.Kind } });

    /// <summary>A 409 naming the transitions that are allowed from here.</summary>
    static ProblemException Illegal(string from, string to)
    {
        var allowed = StatusMachine.AllowedTargets(from);
        var detail = to is ParcelStatus.LowEfficiency or ParcelStatus.Idle
            ? $"{to} is set by the evaluation and idle-land runs; by hand only from {ParcelStatus.InUse} (a designation, or a building vacant on completion)."
            : from == ParcelStatus.RawLand && to == ParcelStatus.Supplied
                ? "Only clean land can be supplied (净地出让, no 毛地出让): make the parcel clean_land first."
                : to == ParcelStatus.Supplied
                    ? $"Only clean land can be supplied; this parcel is {from}."
                    : $"A parcel cannot go from {from} to {to}.";
        return new ProblemException(409, "The transition is not allowed.",
            $"{detail} From {from} it may go to: {(allowed.Count == 0 ? "nothing by hand" : string.Join(", ", allowed))}.",
            new Dictionary<string, string[]> { ["to"] = [$"not allowed from {from}"] },
            new Dictionary<string, object?> { ["from"] = from, ["allowed"] = allowed });
    }

    public static async Task<Ok<SupplyRecord>> GetSupply(long id, Caller caller, NpgsqlDataSource db, HttpResponse response)
    {
        await using var conn = await db.OpenConnectionAsync();
        var (supply, version) = await SupplyOfAsync(conn, id, caller);
        ETags.Set(response, version);
        return TypedResults.Ok(supply.ToContract());
    }

    static async Task<(SupplyRow Supply, long Version)> SupplyOfAsync(NpgsqlConnection conn, long id, Caller caller)
    {
        var version = await conn.QuerySingleOrDefaultAsync<long?>(
            $"SELECT version FROM parcel WHERE id = @id AND {Caller.InScope()}", new { id, scope = caller.Scope })
            ?? throw Problems.NotFound($"No parcel has the id {id}.");
        var supply = await conn.QuerySingleOrDefaultAsync<SupplyRow>($"""
            SELECT {SupplyRow.Columns} FROM parcel_supply WHERE id = (SELECT supply_id FROM parcel WHERE id = @id)
            """, new { id }) ?? throw Problems.NotFound($"Parcel {id} has no supply record.");
        return (supply, version);
    }

    /// <summary>A correction of a supply record, with the reason for it.</summary>
    public sealed record SupplyCorrection(string? Reason, SupplyInput? Supply);

    public static async Task<Created<SupplyRecord>> CorrectSupply(
        long id, SupplyCorrection correction, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var version = ETags.RequiredVersion(http.Request);
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(correction.Reason) || !Text.IsPlain(correction.Reason)) errors.Add("reason", "required: say what is corrected and why");
        if (correction.Supply is null) errors.Add("supply", "required: the corrected supply record");
        else correction.Supply.Validate("supply.", RegisterClock.Today, errors);
        errors.ThrowIfAny();
        await using var conn = await db.OpenConnectionAsync();
        var current = await CurrentAsync(conn, id, caller, version);
        if (current.SupplyId is not { } previous)
            throw Problems.Conflict("id", $"parcel {id} has no supply record to correct; supply it with a transition to {ParcelStatus.Supplied}");

        await using var tx = await new RecordedChange("supply", correction.Reason, new Dictionary<string, object?> { ["replaces"] = previous }).BeginAsync(conn);
        await ContractMinimums.CheckAsync(conn, tx, current.ZoneCode, correction.Supply!, "supply.");
        // The corrected record holds over the same time as the one it replaces.
        var since = await conn.ExecuteScalarAsync<DateTime>("SELECT valid_from FROM parcel_supply WHERE id = @previous", new { previous }, tx);
        var supplyId = await conn.ExecuteScalarAsync<long>(SupplyRow.Insert,
            SupplyRow.Args(id, correction.Supply!, DateOnly.FromDateTime(since), caller.Name), tx);
        var newVersion = await ParcelWrites.SetSupplyAsync(conn, tx, id, version, supplyId, caller.Name, caller.Scope);
        if (newVersion is null) throw await ParcelSql.WhyNotWrittenAsync(conn, id, caller);
        var record = await conn.QuerySingleAsync<SupplyRow>($"SELECT {SupplyRow.Columns} FROM parcel_supply WHERE id = @supplyId", new { supplyId }, tx);
        await tx.CommitAsync();
        ETags.Set(http.Response, newVersion.Value);
        return TypedResults.Created($"/api/parcels/{id}/supply", record.ToContract());
    }
}
