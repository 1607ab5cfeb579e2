using System.Security.Cryptography;
using System.Text;

namespace LandRegister.Api.Access;

/// <summary>
/// API key secrets: <c>lr_&lt;public id&gt;_&lt;secret&gt;</c>, with 256 random bits of secret. Only a SHA-256 hash is
/// stored (enough for a random 256-bit value; a slow password hash would only slow every request), and
/// hashes are compared in constant time.
/// </summary>
public static class ApiKeySecret
{
    const string Prefix = "lr_";

    public static (string Key, string PublicId) Generate()
    {
        var publicId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return ($"{Prefix}{publicId}_{secret}", publicId);
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool Matches(byte[] storedHash, string presented) =>
        CryptographicOperations.FixedTimeEquals(storedHash, Hash(presented));

    /// <summary>The public id of a generated key, used to find its row without touching the secret.</summary>
    public static bool TryReadPublicId(string key, out string publicId)
    {
        publicId = "";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length != Prefix.Length + 16 + 1 + 43 || key[Prefix.Length + 16] != '_')
            return false;
        publicId = key.Substring(Prefix.Length, 16);
        return true;
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
