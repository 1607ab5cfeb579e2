namespace LandRegister.Api.Parcels;

/// <summary>
/// A parcel's versions in valid time, read to place a change recorded for the past: what held at its effective time,
/// and what later changes it must not contradict or overwrite. Versions at the same valid time are ordered by version,
/// so a change recorded now falls after those recorded earlier for the same instant.
/// </summary>
sealed class ParcelTimeline
{
    /// <remarks>A class: Dapper maps arrays only onto properties.</remarks>
    public sealed class Version
    {
        public long Number { get; init; }
        public DateTime ValidFrom { get; init; }
        public string[] Changed { get; init; } = [];
        public string Status { get; init; } = "";
        public string Kind { get; init; } = "";
    }

    readonly List<Version> versions;

    ParcelTimeline(List<Version> versions) => this.versions = versions;

    public static async Task<ParcelTimeline> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long id) =>
        new((await conn.QueryAsync<Version>("""
            SELECT version AS number, valid_from, changed, status, kind FROM parcel_history WHERE parcel_id = @id ORDER BY valid_from, version
            """, new { id }, tx)).AsList());

    /// <summary>When the parcel came into being.</summary>
    public DateTimeOffset ExistedFrom => versions.Min(v => v.ValidFrom);

    /// <summary>Its status at <paramref name="at"/>, from the latest status change valid then.</summary>
    public string StatusAt(DateTimeOffset at) =>
        versions.Last(v => v.ValidFrom <= at && v.Changed.Contains("status")).Status;

    /// <summary>The first change of status valid after <paramref name="at"/>, if any.</summary>
    public Version? NextStatusChange(DateTimeOffset at) =>
        versions.FirstOrDefault(v => v.ValidFrom > at && v.Changed.Contains("status"));

    /// <summary>The attributes set again by changes valid after <paramref name="at"/>: a change at <paramref name="at"/> must leave them as they are.</summary>
    public HashSet<string> ChangedAfter(DateTimeOffset at) =>
        versions.Where(v => v.ValidFrom > at).SelectMany(v => v.Changed).ToHashSet();

    /// <summary>
    /// Checks a change effective at <paramref name="at"/>: not before the parcel existed. A 422 naming
    /// <paramref name="field"/> otherwise.
    /// </summary>
    public void CheckExisted(DateTimeOffset at, string field)
    {
        if (at < ExistedFrom)
            throw Problems.Invalid(field, $"the parcel was registered as existing from {ExistedFrom:yyyy-MM-dd}; a change cannot take effect before it");
    }
}
