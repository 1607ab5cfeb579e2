namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Collects every field error of a request so the client learns all of them at once. Errors about a
/// value outside a fixed list (an unknown status, use or CRS) make the answer a 400; the rest a 422.
/// </summary>
public sealed class FieldErrors
{
    readonly Dictionary<string, List<string>> errors = [];
    readonly Dictionary<string, object?> extensions = [];
    bool unreadable;

    public bool Any => Count > 0;

    public int Count { get; private set; }

    public IEnumerable<(string Field, string Reason)> All =>
        errors.SelectMany(e => e.Value.Select(r => (e.Key, r)));

    public void Add(string field, string reason)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(reason);
        Count++;
    }

    /// <summary>A value not among the allowed ones; <paramref name="allowed"/> is returned to the client.</summary>
    public void AddUnknown(string field, string reason, IEnumerable<string> allowed)
    {
        Add(field, reason);
        unreadable = true;
        extensions["allowed"] = allowed.ToArray();
    }

    public void AddUnreadable(string field, string reason)
    {
        Add(field, reason);
        unreadable = true;
    }

    public ProblemException ToProblem()
    {
        var detail = string.Join("; ", All.Select(e => $"{e.Field}: {e.Reason}"));
        var map = errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
        return unreadable
            ? new ProblemException(400, "The request could not be read.", detail, map, extensions)
            : new ProblemException(422, "The request is not valid.", detail, map, extensions);
    }

    public void ThrowIfAny()
    {
        if (Any) throw ToProblem();
    }
}
