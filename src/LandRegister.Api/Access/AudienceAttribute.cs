using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace LandRegister.Api.Access;

/// <summary>
/// Marks who may see a contract's properties: on a type, the default for its properties; on a property,
/// that property's. Properties of unmarked types are seen by everyone who may call the endpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property)]
public sealed class AudienceAttribute(Audience audience) : Attribute
{
    public Audience Audience { get; } = audience;
}

/// <summary>
/// Field-level filtering in one place: every JSON response is written through this modifier, which drops
/// the properties the caller's role may not see. No endpoint can forget it.
/// </summary>
public static class AudienceFilter
{
    public static Action<JsonTypeInfo> Modifier(IHttpContextAccessor http) => info =>
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        var typeAudience = info.Type.GetCustomAttribute<AudienceAttribute>()?.Audience;
        foreach (var property in info.Properties)
        {
            var audience = (property.AttributeProvider as MemberInfo)?.GetCustomAttribute<AudienceAttribute>()?.Audience ?? typeAudience;
            if (audience is null or Audience.Public) continue;
            var needed = audience.Value;
            var previous = property.ShouldSerialize;
            property.ShouldSerialize = (owner, value) =>
                Caller.AudienceOf(http.HttpContext) >= needed && (previous?.Invoke(owner, value) ?? true);
        }
    };
}
