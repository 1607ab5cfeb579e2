using LandRegister.Api.Infrastructure;
using Mapster;

namespace LandRegister.Tests.Infrastructure;

/// <summary>Every mapping a feature registers compiles, and every contract member has a source.</summary>
public sealed class MappingTests
{
    public static IEnumerable<object[]> Pairs() =>
        Mapping.Config.RuleMap.Keys
            .Where(k => k.Source.Namespace?.StartsWith("LandRegister", StringComparison.Ordinal) == true)
            .Select(k => new object[] { k.Source, k.Destination });

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Each_registered_mapping_maps_a_row_to_its_contract(Type source, Type destination)
    {
        // A row as a reader fills it: every member at its default, so the mapping runs end to end as on a first request.
        var row = source.GetConstructor(Type.EmptyTypes) is not null
            ? Activator.CreateInstance(source)!
            : System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(source);
        Assert.IsType(destination, row.Adapt(source, destination, Mapping.Config));
    }

    [Fact]
    public void The_features_register_their_mappings() => Assert.True(Pairs().Count() >= 15, string.Join(", ", Pairs().Select(p => p[1])));
}
