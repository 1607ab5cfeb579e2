using System.Reflection;
using System.Reflection.Emit;

namespace LandRegister.Tests.Architecture;

/// <summary>
/// The API's folders (one namespace each) depend on each other in one direction only (docs/architecture.md draws it): a
/// folder may use the folders listed before it, never one listed after it. Uses are read from the compiled assembly:
/// signatures, fields, locals, attributes, and every type, method and field the IL names, lambdas and async state
/// machines included.
/// </summary>
public sealed class FolderDependencyTests
{
    /// <summary>From the foundations to the features that build on them.</summary>
    public static readonly string[] Order =
    [
        "Infrastructure", "Access", "Exports", "Docs", "Spatial", "LandUses", "Zones", "Parks", "Jobs", "Enterprises", "Parcels",
        "Lifecycle", "Premises", "Contracts", "Evaluation", "IdleLand", "Reserves", "Leases", "Ledger", "Statistics", "Tiles", "Ogc", "Map", "Health", "Demo",
    ];

    const string Root = "LandRegister.Api.";
    static readonly Assembly Api = typeof(LandRegister.Api.Infrastructure.Problems).Assembly;

    static string? FolderOf(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type.Namespace is { } ns && ns.StartsWith(Root, StringComparison.Ordinal) ? ns[Root.Length..].Split('.')[0] : null;
    }

    static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>Every type a type uses, with the generic arguments of each.</summary>
    static IEnumerable<Type> Uses(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } b) yield return b;
        foreach (var i in type.GetInterfaces()) yield return i;
        foreach (var a in type.GetCustomAttributesData()) yield return a.AttributeType;
        foreach (var f in type.GetFields(All)) yield return f.FieldType;
        foreach (var p in type.GetProperties(All))
        {
            yield return p.PropertyType;
            foreach (var a in p.GetCustomAttributesData()) yield return a.AttributeType;
        }
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m is MethodInfo mi) yield return mi.ReturnType;
            foreach (var p in m.GetParameters())
            {
                yield return p.ParameterType;
                foreach (var a in p.GetCustomAttributesData()) yield return a.AttributeType;
            }
            foreach (var used in BodyUses(m)) yield return used;
        }
    }

    static IEnumerable<Type> BodyUses(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null) yield break;
        foreach (var local in body.LocalVariables) yield return local.LocalType;
        var il = body.GetILAsByteArray()!;
        var typeArgs = method.DeclaringType!.IsGenericType ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var operand = Operands[value];
            if (operand is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArgs, methodArgs);
                if (member is Type t) yield return t;
                else if (member?.DeclaringType is { } declaring) yield return declaring;
                if (member is MethodInfo { IsGenericMethod: true } generic) foreach (var g in generic.GetGenericArguments()) yield return g;
            }
            at += operand switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
        }
    }

    static IEnumerable<Type> WithArguments(Type type)
    {
        yield return type;
        var element = type.HasElementType ? type.GetElementType()! : null;
        if (element is not null) foreach (var e in WithArguments(element)) yield return e;
        if (type.IsGenericType) foreach (var a in type.GetGenericArguments().SelectMany(WithArguments)) yield return a;
    }

    public static IEnumerable<(string From, string To, string Where)> References() =>
        from type in Api.GetTypes()
        let user = FolderOf(type)
        where user is not null
        from used in Uses(type).SelectMany(WithArguments)
        let target = FolderOf(used)
        where target is not null && target != user
        select (user, target, $"{type.FullName} uses {used.FullName}");

    [Fact]
    public void Every_folder_is_in_the_order()
    {
        var folders = Api.GetTypes().Select(FolderOf).OfType<string>().Distinct();
        Assert.Empty(folders.Except(Order));
    }

    [Fact]
    public void No_folder_uses_a_folder_that_comes_after_it()
    {
        var backwards = References()
            .Where(r => Array.IndexOf(Order, r.To) > Array.IndexOf(Order, r.From))
            .GroupBy(r => (r.From, r.To))
            .Select(g => $"{g.Key.From} → {g.Key.To}: {g.First().Where}")
            .ToList();
        Assert.True(backwards.Count == 0, "Folders used against the order:\n" + string.Join("\n", backwards));
    }
}
