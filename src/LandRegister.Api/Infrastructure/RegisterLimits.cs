namespace LandRegister.Api.Infrastructure;

/// <summary>Request size limits, configured under <c>Limits</c> (e.g. <c>Limits__MaxImportBodyBytes</c>).</summary>
public sealed class RegisterLimits
{
    /// <summary>Largest request body for ordinary writes, in bytes (default 2 MiB).</summary>
    public long MaxBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Largest request body for bulk imports, in bytes (default 256 MiB).</summary>
    public long MaxImportBodyBytes { get; set; } = 256 * 1024 * 1024;

    public static RegisterLimits From(IConfiguration config) =>
        config.GetSection("Limits").Get<RegisterLimits>() ?? new RegisterLimits();
}
