namespace LandRegister.Api.Enterprises;

/// <summary>
/// The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters of the 31-symbol
/// alphabet, the last a check character over the first 17 with weights 3^i mod 31.
/// </summary>
public static class CreditCode
{
    const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>Why <paramref name="code"/> is not a valid code, or null when it is.</summary>
    public static string? Check(string code) =>
        IsValid(code) ? null
        : code.Length == 18 && CheckCharacter(code.AsSpan(0, 17)) is { } c
            ? $"check character is wrong: a code starting {code[..17]} ends in {c}"
            : "not a unified social credit code: 18 characters of 0-9 and A-Y without I, O, S, V, Z";

    public static bool IsValid(string? code) => code is { Length: 18 } && CheckCharacter(code.AsSpan(0, 17)) is { } check && check == code[17];

    /// <summary>The check character for the first 17 characters, or null if one is not in the alphabet.</summary>
    public static char? CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        var weight = 1;
        foreach (var c in first17)
        {
            var value = Alphabet.IndexOf(c);
            if (value < 0) return null;
            sum += value * weight;
            weight = weight * 3 % 31;
        }
        return Alphabet[(31 - sum % 31) % 31];
    }
}
