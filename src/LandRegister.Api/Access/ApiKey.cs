using Mapster;

namespace LandRegister.Api.Access;

/// <summary>An API key as listed: never its secret.</summary>
/// <param name="Zones">The zones the key may act in; null for every zone.</param>
/// <param name="State">active, revoked or expired.</param>
public sealed record ApiKeyInfo(
    long Id, string Name, string Role, string[]? Zones, string State, DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy);

/// <summary>A key just created: the only time its secret is shown.</summary>
/// <param name="Key">The secret to send in the X-Api-Key header. It is not stored and cannot be shown again.</param>
public sealed record ApiKeyCreated(ApiKeyInfo Info, string Key);

/// <summary>A key to create.</summary>
/// <param name="Role">admin, planner, promoter, analyst or viewer.</param>
/// <param name="Zones">Zone codes the key may act in; omit for every zone.</param>
/// <param name="ExpiresAt">When the key stops working; omit for never.</param>
public sealed record ApiKeyInput(string? Name, string? Role, string[]? Zones, DateTimeOffset? ExpiresAt)
{
    public void Validate(Caller creator)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Name)) errors.Add("name", "required");
        else if (!System.Text.RegularExpressions.Regex.IsMatch(Name, "^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"))
            errors.Add("name", "use 1-64 letters, digits, '_', '.', '@' or '-', starting with a letter or digit");
        if (Role is null) errors.Add("role", "required");
        else if (Roles.Find(Role) is null) errors.AddUnknown("role", $"unknown role '{Role}'", Roles.Names);
        if (Zones is { Length: 0 }) errors.Add("zones", "give at least one zone, or omit zones for every zone");
        if (creator.Zones is not null && (Zones is null || Zones.Any(z => !creator.CanActIn(z))))
            errors.Add("zones", "a key limited to zones can only create keys limited to the same zones");
        if (ExpiresAt <= DateTimeOffset.UtcNow) errors.Add("expiresAt", "must be in the future");
        errors.ThrowIfAny();
    }
}

sealed class ApiKeyRow
{
    public const string Columns = "id, name, role, zones, public_id, secret_hash, expires_at, revoked_at, revoked_by, created_at, created_by, version";

    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Role { get; init; } = "";
    public string[]? Zones { get; init; }
    public string? PublicId { get; init; }
    public byte[] SecretHash { get; init; } = [];
    public DateTime? ExpiresAt { get; init; }
    public DateTime? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public long Version { get; init; }

    public string State => RevokedAt is not null ? "revoked" : ExpiresAt <= DateTime.UtcNow ? "expired" : "active";

    public ApiKeyInfo ToInfo() => this.Adapt<ApiKeyInfo>();
}

sealed class ApiKeyMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<ApiKeyRow, ApiKeyInfo>();
}
