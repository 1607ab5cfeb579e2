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
        return conn.ExecuteAsync("SELECT set_config('landregister.change', @change, true)",
            new { change = JsonSerializer.Serialize(description, Json) }, tx);
    }
}
