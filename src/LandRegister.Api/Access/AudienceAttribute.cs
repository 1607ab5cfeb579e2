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

    /// <summary>Who may see <paramref name="property"/> of <paramref name="owner"/>: its mark, else its type's, else everyone.</summary>
    public static Audience Of(MemberInfo? property, Type owner) =>
        property?.GetCustomAttribute<AudienceAttribute>()?.Audience ?? owner.GetCustomAttribute<AudienceAttribute>()?.Audience ?? Audience.Public;
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
        foreach (var property in info.Properties)
        {
            var needed = AudienceAttribute.Of(property.AttributeProvider as MemberInfo, info.Type);
            if (needed == Audience.Public) continue;
            var previous = property.ShouldSerialize;
            property.ShouldSerialize = (owner, value) =>
                Caller.AudienceOf(http.HttpContext) >= needed && (previous?.Invoke(owner, value) ?? true);
        }
    };
}
