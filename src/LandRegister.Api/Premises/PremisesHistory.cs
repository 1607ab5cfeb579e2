using System.Text.Json.Nodes;
using LandRegister.Api.Lifecycle;

namespace LandRegister.Api.Premises;

public sealed record PremisesHistory(long PremisesId, IReadOnlyList<HistoryEntry> Entries);

/// <summary>One version of a premises as <c>premises_history</c> keeps it: the row as it became (a JSON object).</summary>
sealed class PremisesHistoryRow
{
    /// <summary>Columns that record the change itself, not the premises.</summary>
    static readonly string[] Bookkeeping = ["id", "version", "created_at", "updated_at", "created_by", "updated_by"];

    public long Version { get; init; }
    public DateTime RecordedAt { get; init; }
    public string Kind { get; init; } = "";
    public string Actor { get; init; } = "";
    public string? Reason { get; init; }
    public string State { get; init; } = "{}";
    public bool FootprintChanged { get; init; }

    /// <summary>The state's properties named as the API names them (vacant_since → vacantSince).</summary>
    /// <param name="confidential">Whether the caller may see the owner's credit code.</param>
    Dictionary<string, JsonNode?> Values(bool confidential) =>
        JsonNode.Parse(State)!.AsObject()
            .Where(p => !Bookkeeping.Contains(p.Key) && (confidential || p.Key != "owner_credit_code"))
            .ToDictionary(p => CamelCase(p.Key), p => p.Value?.DeepClone());

    static string CamelCase(string column)
    {
        var parts = column.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <remarks>By hand, not by Mapster: an entry is a comparison of two versions, not a copy of one row.</remarks>
    public HistoryEntry ToEntry(PremisesHistoryRow? previous, bool confidential)
    {
        var after = Values(confidential);
        var before = previous?.Values(confidential);
        var changes = new Dictionary<string, ValueChange>();
        foreach (var (name, value) in after)
        {
            var old = before?.GetValueOrDefault(name);
            if (before is null ? value is null : JsonNode.DeepEquals(old, value)) continue;
            changes[name] = new ValueChange(old?.DeepClone(), value?.DeepClone());
        }
        return new HistoryEntry(Version, RecordedAt, Kind, Actor, Reason, [], changes, FootprintChanged);
    }
}
