namespace LandRegister.Api.Infrastructure;

/// <summary>Rules for the free text clients send.</summary>
public static class Text
{
    public const string ControlCharacters =
        "must not contain control characters (such as NUL) or bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069)";

    /// <summary>
    /// No C0/C1 control characters and no bidirectional overrides or isolates: they cannot be stored (NUL), or they make
    /// a code or a name read otherwise than it is written (U+202E turns "txt.exe" into "exe.txt" on screen).
    /// </summary>
    public static bool IsPlain(string text) => !text.Any(c => char.IsControl(c) || IsBidiControl(c));

    /// <summary>Running text (a problem, a measure, a progress report): line breaks and tabs, but nothing else IsPlain refuses.</summary>
    public static bool IsProse(string text) => !text.Any(c => (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || IsBidiControl(c));

    static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
}

/// <summary>
/// JSON whose text is valid Unicode: an escaped unpaired surrogate (<c>"\ud800"</c>) or a byte that is not UTF-8 parses,
/// but cannot be read as a string. A body read as a <see cref="System.Text.Json.JsonElement"/> is checked whole before
/// it is read, so such text is a 400 naming where it is, never an exception in the middle of a write.
/// </summary>
public static class UnicodeText
{
    public const string Invalid = "not valid Unicode text (an unpaired surrogate, or bytes that are not UTF-8)";

    /// <summary>400 naming the first member (by its JSON path under <paramref name="prefix"/>) whose name or text is not valid Unicode.</summary>
    public static void Ensure(System.Text.Json.JsonElement element, string prefix = "body")
    {
        if (Find(element, prefix) is { } path) throw Problems.BadRequest(path, Invalid);
    }

    static string? Find(System.Text.Json.JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case System.Text.Json.JsonValueKind.String:
                return Readable(() => element.GetString()) ? null : path;
            case System.Text.Json.JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    string name = "";
                    if (!Readable(() => name = member.Name)) return path;
                    if (Find(member.Value, $"{path}.{name}") is { } found) return found;
                }
                return null;
            case System.Text.Json.JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                    if (Find(item, $"{path}[{i++}]") is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    static bool Readable(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
