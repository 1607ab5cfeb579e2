using System.ComponentModel;
using System.Globalization;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using LandRegister.Api.Parcels;

namespace LandRegister.Api.Lifecycle;

/// <summary>Split and merge: parents are retired, children point to them, and the history shows both sides.</summary>
public static class LineageApi
{
    const string GeoJson = FeatureCollection<ParcelFeature>.MediaType;

    sealed class Fault
    {
        public string Kind { get; init; } = "";
        public int[] Parts { get; init; } = [];
        public double AreaM2 { get; init; }
        public double X { get; init; }
        public double Y { get; init; }
    }

    public static async Task<IResult> SplitParcel(
        long id, SplitInput input, Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("CRS of the parts' coordinates: EPSG:4326 (default), EPSG:4490 or EPSG:4513-4554.")] string? crs = null)
    {
        var version = ETags.RequiredVersion(http.Request);
        var parts = input.Validate(Crs.Parse(crs));
        await using var conn = await db.OpenConnectionAsync();
        var parent = await conn.QuerySingleOrDefaultAsync<ParcelRow>(ParcelSql.ById, new { id, scope = caller.Scope })
            ?? throw Problems.NotFound($"No parcel has the id {id}.");
        if (parent.RetiredAt is not null) throw await ParcelSql.WhyNotWrittenAsync(conn, id, caller);
        if (version is not null && version != parent.Version) throw Problems.PreconditionFailed(ETags.For(parent.Version));

        var errors = new FieldErrors();
        for (var i = 0; i < parts.Length; i++)
            if (GeometryValidity.Problem(parts[i], out _) is { } reason) errors.Add($"parts[{i}].geometry", reason);
        errors.ThrowIfAny();
        var tolerance = input.ToleranceM2 ?? SplitInput.DefaultToleranceM2;
        var faults = (await conn.QueryAsync<Fault>(SplitSql.Coverage, new { id, parts })).ToList();
        var excess = faults.GroupBy(f => f.Kind).Where(g => g.Sum(f => f.AreaM2) > tolerance).SelectMany(g => g).ToList();
        if (excess.Count > 0) throw NotCovering(excess, tolerance);

        var codes = input.Parts!.Select(p => p.Code!.Trim()).ToArray();
        var names = input.Parts!.Select(p => p.Name).ToArray();
        await using var tx = await new RecordedChange("split_from", input.Reason, new Dictionary<string, object?> { ["parent"] = id }).BeginAsync(conn);
        var children = await ParcelWrites.InsertSplitPartsAsync(conn, tx, id, codes, names, parts, caller.Name);
        await new RecordedChange("split", input.Reason, new Dictionary<string, object?> { ["children"] = children.Select(c => c.Id).ToArray() })
            .DescribeAsync(conn, tx);
        if (await conn.QuerySingleOrDefaultAsync<long?>(ParcelWrites.Retire, new { id, version, by = caller.Name, scope = caller.Scope, retiredAt = (DateTimeOffset?)null }, tx) is null)
            throw await ParcelSql.WhyNotWrittenAsync(conn, id, caller);
        await tx.CommitAsync();

        var features = children.ConvertAll(c => c.ToFeature());
        http.Response.Headers.Location = $"/api/parcels/{id}/lineage";
        return TypedResults.Json(new FeatureCollection<ParcelFeature>(features.Count, features.Count, DateTimeOffset.UtcNow,
            [new Link($"/api/parcels/{id}/lineage", "lineage", "application/json")], features), contentType: GeoJson, statusCode: 201);
    }

    static ProblemException NotCovering(List<Fault> faults, double tolerance)
    {
        var errors = new FieldErrors();
        foreach (var f in faults.Take(20))
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{f.AreaM2:0.##} m² at [{f.X:0.######}, {f.Y:0.######}]");
            if (f.Kind == "overlap")
            {
                errors.Add($"parts[{f.Parts[0]}].geometry", $"overlaps parts[{f.Parts[1]}] by {where}");
                errors.Add($"parts[{f.Parts[1]}].geometry", $"overlaps parts[{f.Parts[0]}] by {where}");
            }
            else errors.Add("parts", f.Kind == "gap" ? $"a gap no part covers: {where}" : $"land outside the parcel: {where}");
        }
        var problem = errors.ToProblem();
        return new ProblemException(422, "The parts do not cover the parcel exactly.",
            string.Create(CultureInfo.InvariantCulture, $"The parts must cover the parcel with no gap, overlap or overhang of more than {tolerance} m² each. {problem.Detail}"),
            problem.Errors,
            new Dictionary<string, object?> { ["faults"] = faults.Take(50).Select(f => new CoverageFault(f.Kind, f.Parts, Math.Round(f.AreaM2, 2), [f.X, f.Y])).ToArray() });
    }

    sealed record ParentRow(long Id, string ZoneCode, string? ParkCode, string Status, string? PlannedUse, long Version, DateTime? RetiredAt);

    public static async Task<IResult> MergeParcels(MergeInput input, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var (ids, versions) = input.Validate();
        await using var conn = await db.OpenConnectionAsync();
        var parents = (await conn.QueryAsync<ParentRow>(
            $"SELECT id, zone_code, park_code, status, planned_use, version, retired_at FROM parcel WHERE id = ANY(@ids) AND {Caller.InScope()}",
            new { ids, scope = caller.Scope })).ToDictionary(p => p.Id);
        for (var i = 0; i < ids.Length; i++)
        {
            var parent = parents.GetValueOrDefault(ids[i]) ?? throw Problems.NotFound($"No parcel has the id {ids[i]}.");
            if (parent.RetiredAt is not null) throw Problems.Conflict($"parents[{i}].id", $"parcel {parent.Id} is retired");
            if (parent.Version != versions[i]) throw Problems.PreconditionFailed(ETags.For(parent.Version));
        }
        var errors = new FieldErrors();
        foreach (var (field, values) in new (string, IEnumerable<string?>)[]
                 {
                     ("zoneCode", parents.Values.Select(p => p.ZoneCode)), ("parkCode", parents.Values.Select(p => p.ParkCode)),
                     ("status", parents.Values.Select(p => p.Status)), ("plannedUse", parents.Values.Select(p => p.PlannedUse)),
                 })
            if (values.Distinct().Count() > 1) errors.Add("parents", $"the parcels must share their {field}; they have {string.Join(", ", values.Distinct())}");
        errors.ThrowIfAny();
        var pieces = await conn.ExecuteScalarAsync<int>("SELECT ST_NumGeometries(ST_Union(geom)) FROM parcel WHERE id = ANY(@ids)", new { ids });
        if (pieces != 1)
            throw Problems.Invalid("parents", $"the parcels are not adjacent: together they form {pieces} separate pieces; merge only parcels that share boundaries");

        await using var tx = await new RecordedChange("merged_from", input.Reason, new Dictionary<string, object?> { ["parents"] = ids }).BeginAsync(conn);
        var child = await ParcelWrites.InsertMergedAsync(conn, tx, ids, input.Code!, input.Name, caller.Name);
        await new RecordedChange("merged", input.Reason, new Dictionary<string, object?> { ["into"] = child.Id }).DescribeAsync(conn, tx);
        var retired = await ParcelWrites.RetireAtVersionsAsync(conn, tx, ids, versions, caller.Name);
        if (retired != ids.Length)
        {
            var now = await conn.QueryAsync<(long Id, long Version)>("SELECT id, version FROM parcel WHERE id = ANY(@ids)", new { ids });
            var stale = now.First(n => n.Version != versions[Array.IndexOf(ids, n.Id)]);
            throw Problems.PreconditionFailed(ETags.For(stale.Version));
        }
        await tx.CommitAsync();
        ETags.Set(http.Response, child.Version);
        http.Response.Headers.Location = $"/api/parcels/{child.Id}";
        return TypedResults.Json(child.ToFeature(), contentType: GeoJson, statusCode: 201);
    }
}
