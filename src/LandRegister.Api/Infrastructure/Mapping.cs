using System.Text.Json.Nodes;
using Mapster;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Mapster, configured once: the conversions every feature shares (timestamps as read from PostgreSQL are UTC), then each
/// feature's own mappings (its <see cref="IRegister"/> next to its contracts), compiled at start so a contract member with
/// no source fails the start instead of a request.
/// </summary>
public static class Mapping
{
    static readonly Lazy<TypeAdapterConfig> config = new(Build);

    public static TypeAdapterConfig Config => config.Value;

    static TypeAdapterConfig Build()
    {
        var c = TypeAdapterConfig.GlobalSettings;
        c.RequireDestinationMemberSource = true;
        // A value of the same type (a JSON tree, an array) is handed over as it is, not copied member by member.
        c.Default.ShallowCopyForSameType(true);
        c.NewConfig<JsonObject, JsonObject>().MapWith(o => o);
        c.NewConfig<JsonNode, JsonNode>().MapWith(o => o);
        c.NewConfig<DateTime, DateTimeOffset>().MapWith(d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)));
        c.NewConfig<DateTime, DateOnly>().MapWith(d => DateOnly.FromDateTime(d));
        c.Scan(typeof(Mapping).Assembly);
        c.Compile();
        return c;
    }
}
