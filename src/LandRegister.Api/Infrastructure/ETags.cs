namespace LandRegister.Api.Infrastructure;

/// <summary>ETags are the row version of a resource; writes to an existing resource name the version they change.</summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>
    /// The version named by If-Match: 428 when it is missing, 412 when it names no version of ours.
    /// <c>If-Match: *</c> returns null (any current version).
    /// </summary>
    public static long? RequiredVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0) throw Problems.PreconditionRequired();
        if (header == "*") return null;
        return VersionOf(header.Split(',')[0])
            ?? throw new ProblemException(412, "The resource has changed.", "If-Match does not name a version of this resource.",
                new Dictionary<string, string[]> { ["If-Match"] = ["not an ETag of this resource"] });
    }

    /// <summary>The version an ETag names, or null when it is not one of ours.</summary>
    public static long? VersionOf(string etag)
    {
        var tag = etag.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && long.TryParse(tag[1..^1], out var version) ? version : null;
    }

    public static void Set(HttpResponse response, long version) => response.Headers.ETag = For(version);
}
