
namespace LandRegister.Api.Lifecycle;

/// <summary>A parcel to merge, with the ETag of the version the client read.</summary>
public sealed record MergeParent(long? Id, string? ETag);

/// <summary>A merge of adjacent parcels of the same zone, park, status and planned use into a new parcel.</summary>
/// <param name="Code">The new parcel's number.</param>
public sealed record MergeInput(MergeParent[]? Parents, string? Code, string? Name, string? Reason)
{
    /// <summary>Checks the request on its own; returns the parents' ids and the versions their ETags name.</summary>
    public (long[] Ids, long[] Versions) Validate()
    {
        var errors = new FieldErrors();
        if (Parents is not { Length: >= 2 and <= 50 }) errors.Add("parents", "between 2 and 50 parcels");
        else if (Parents.Any(p => p.Id is null)) errors.Add("parents", "every parent needs its id");
        else if (Parents.Select(p => p.Id).Distinct().Count() != Parents.Length) errors.Add("parents", "a parcel is named twice");
        var parents = Parents ?? [];
        if (string.IsNullOrWhiteSpace(Code) || Code.Length > 64 || !Text.IsPlain(Code)) errors.Add("code", "required: 1-64 characters without control characters");
        if (Name is { } name && (name.Length > 200 || !Text.IsPlain(name))) errors.Add("name", "at most 200 characters");
        if (string.IsNullOrWhiteSpace(Reason) || !Text.IsPlain(Reason)) errors.Add("reason", "required: say why the parcels are merged");
        errors.ThrowIfAny();
        if (parents.Any(p => string.IsNullOrWhiteSpace(p.ETag)))
            throw new ProblemException(428, "ETags required.", "A merge changes every parent: give each one's ETag (parents[].etag).",
                new Dictionary<string, string[]> { ["parents"] = ["etag missing"] });
        var versions = parents.Select(p => ETags.VersionOf(p.ETag!)).ToArray();
        if (versions.Any(v => v is null))
            throw new ProblemException(412, "The resource has changed.", "A parent's etag is not an ETag of a parcel.",
                new Dictionary<string, string[]> { ["parents"] = ["not an ETag of this resource"] });
        return (parents.Select(p => p.Id!.Value).ToArray(), versions.Select(v => v!.Value).ToArray());
    }
}
