namespace LandRegister.Api.Infrastructure;

/// <summary>
/// A request the register refuses, carried to <see cref="ProblemHandler"/>, which writes it as RFC 9457
/// problem details. Thrown before anything is committed, so a refused request writes nothing.
/// </summary>
public sealed class ProblemException(
    int status,
    string title,
    string detail,
    IReadOnlyDictionary<string, string[]>? errors = null,
    IReadOnlyDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string Detail { get; } = detail;
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

/// <summary>The register's refusals, worded once.</summary>
public static class Problems
{
    public static ProblemException Invalid(string field, string reason, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(422, "The request is not valid.", $"{field}: {reason}", One(field, reason), extensions);

    public static ProblemException BadRequest(string field, string reason, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(400, "The request could not be read.", $"{field}: {reason}", One(field, reason), extensions);

    public static ProblemException NotFound(string detail) => new(404, "Not found.", detail);

    public static ProblemException Conflict(string field, string reason) =>
        new(409, "The request conflicts with the register's current state.", $"{field}: {reason}", One(field, reason));

    public static ProblemException PreconditionRequired() =>
        new(428, "If-Match required.", "This change needs an If-Match header with the ETag of the version you last read.",
            One("If-Match", "missing"));

    public static ProblemException PreconditionFailed(string currentETag) =>
        new(412, "The resource has changed.",
            $"The resource was changed since the version named in If-Match; its current ETag is {currentETag}. Read it again and reapply your change.",
            One("If-Match", "stale"), new Dictionary<string, object?> { ["currentETag"] = currentETag });

    static Dictionary<string, string[]> One(string field, string reason) => new() { [field] = [reason] };
}
