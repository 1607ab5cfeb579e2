using System.Text.Json;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// What a write is, for the history the database keeps: the history triggers (of parcels, premises and the other
/// versioned records) read it from the transaction (<c>landregister.change</c>, through <c>recorded_change()</c>) and
/// record it with every version the write makes.
/// </summary>
/// <param name="Kind">created, imported, updated, transition, supply, retired, split, split_from, merged, merged_from, evaluation, idle_land…</param>
public sealed record RecordedChange(string Kind, string? Reason = null, IReadOnlyDictionary<string, object?>? Details = null)
{
    /// <summary>When the change holds from in the world (<see cref="ValidTime"/>); null: from when it is recorded.</summary>
    public DateTimeOffset? ValidFrom { get; init; }

    /// <summary>
    /// For a change recorded for the past: the values it sets that later changes have set again, by column. The row
    /// keeps the later values; the history records these as the change's.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Values { get; init; }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Begins a transaction that describes its writes as this change.</summary>
    public async Task<NpgsqlTransaction> BeginAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        var tx = await conn.BeginTransactionAsync(ct);
        await DescribeAsync(conn, tx);
        return tx;
    }

    /// <summary>Describes the next writes of <paramref name="tx"/> as this change.</summary>
    public Task DescribeAsync(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        var description = new Dictionary<string, object?>(Details ?? new Dictionary<string, object?>()) { ["kind"] = Kind, ["reason"] = Reason };
        if (ValidFrom is not null) description["validFrom"] = ValidFrom;
        if (Values is { Count: > 0 }) description["values"] = Values;
        return conn.ExecuteAsync("SELECT set_config('landregister.change', @change, true)",
            new { change = JsonSerializer.Serialize(description, Json) }, tx);
    }
}
