namespace LandRegister.Api.Infrastructure;

/// <summary>Rules for the free text clients send.</summary>
public static class Text
{
    public const string ControlCharacters = "must not contain control characters (such as NUL)";

    /// <summary>No C0/C1 control characters: they cannot be stored (NUL) or only hide what a code says.</summary>
    public static bool IsPlain(string text) => !text.Any(char.IsControl);

    /// <summary>Running text (a problem, a measure, a progress report): line breaks and tabs, but no other control characters.</summary>
    public static bool IsProse(string text) => !text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
}
