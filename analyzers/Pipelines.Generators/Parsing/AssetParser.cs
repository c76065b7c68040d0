using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Assets;
using Pipelines.Generators.Model;
using Pipelines.Schedules;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Reads what pipelines produce (<c>[Produces]</c>), consume (<c>Schedule = "@assets(...)"</c>) and take from outside
/// (<c>[assembly: ExternalAsset]</c>), with the runtime's own asset parser (<see cref="AssetExpression"/>).
/// </summary>
internal static class AssetParser
{
    /// <summary>An asset a pipeline's schedule reads, and where its name stands in the Schedule argument.</summary>
    public readonly record struct Consumed(string Name, Location Location);

    /// <summary>An asset declared with <c>[assembly: ExternalAsset]</c>.</summary>
    public readonly record struct External(string Name, Location Location);

    /// <summary>Whether the schedule text is on assets, well formed or not.</summary>
    public static bool IsAssetSchedule(string schedule) =>
        schedule.TrimStart().StartsWith(ScheduleSyntax.Assets, StringComparison.OrdinalIgnoreCase);

    /// <summary>The assets a task's <c>[Produces]</c> attributes name; a malformed name is reported (PIPE051) and left out.</summary>
    public static EquatableArray<string> ReadProduces(IMethodSymbol method, KnownSymbols known, DiagnosticReporter report, ref bool blocked, CancellationToken cancellationToken)
    {
        if (known.ProducesAttribute is null) return EquatableArray<string>.Empty;
        var produces = ImmutableArray.CreateBuilder<string>();
        foreach (var attribute in method.GetAttributes())
        {
            if (!KnownSymbols.Is(attribute.AttributeClass, known.ProducesAttribute)) continue;
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0] is not { Kind: TypedConstantKind.Array, IsNull: false })
            {
                blocked = true;
                continue;
            }
            var values = attribute.ConstructorArguments[0].Values;
            var locations = AttributeArguments.ParamsElements(attribute, 0, values.Length, cancellationToken);
            for (var i = 0; i < values.Length; i++)
            {
                var name = values[i].Value as string;
                if (!AssetExpression.IsValidName(name, out var error))
                {
                    report(DiagnosticDescriptors.InvalidAssetName, locations[i], new object?[] { name ?? "null", $"task '{method.Name}'", error });
                    continue;
                }
                if (!produces.Contains(name!)) produces.Add(name!);
            }
        }
        return produces.ToImmutable().ToEquatableArray();
    }

    /// <summary>
    /// The assets a well-formed <c>@assets(...)</c> schedule reads, each at its name in the Schedule argument; empty for any
    /// other schedule (a malformed one is reported by the parser).
    /// </summary>
    public static IReadOnlyList<Consumed> ReadConsumed(AttributeData pipelineAttribute, string? schedule, CancellationToken cancellationToken)
    {
        var consumed = new List<Consumed>();
        if (schedule is null || !IsAssetSchedule(schedule)) return consumed;
        if (!ScheduleSyntax.TryParse(schedule, out _, out _, out var assets, out _) || assets is null) return consumed;

        // The condition starts right after the first '(' (the one of "@assets("); names are found by walking the tree.
        var conditionStart = schedule.IndexOf('(') + 1;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssetExpression>();
        pending.Push(assets);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case AssetExpression.Asset asset:
                    if (seen.Add(asset.Name))
                        consumed.Add(new Consumed(asset.Name, AttributeArguments.InsideString(pipelineAttribute, nameof(Api.PipelineAttribute.Schedule), conditionStart + asset.Start, asset.Name.Length, cancellationToken)));
                    break;
                case AssetExpression.All all: pending.Push(all.Right); pending.Push(all.Left); break;
                case AssetExpression.Any any: pending.Push(any.Right); pending.Push(any.Left); break;
            }
        }
        return consumed;
    }

    /// <summary>The assets this assembly declares external; malformed names go to <paramref name="diagnostics"/> (PIPE051).</summary>
    public static IReadOnlyList<External> ReadExternal(Compilation compilation, KnownSymbols known, List<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var external = new List<External>();
        if (known.ExternalAssetAttribute is null) return external;
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            if (!KnownSymbols.Is(attribute.AttributeClass, known.ExternalAssetAttribute) || attribute.ConstructorArguments.Length != 1) continue;
            var name = attribute.ConstructorArguments[0].Value as string;
            var location = AttributeArguments.Positional(attribute, 0, cancellationToken);
            if (!AssetExpression.IsValidName(name, out var error))
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidAssetName, location, name ?? "null", "[assembly: ExternalAsset]", error));
                continue;
            }
            external.Add(new External(name!, location));
        }
        return external;
    }

    /// <summary>
    /// The assets that referenced assemblies produce (<c>[Produces]</c> on a task of a <c>[Pipeline]</c> class) or
    /// declare external (<c>[assembly: ExternalAsset]</c>), so an app consuming a library's asset is not warned that
    /// nothing produces it. Only assemblies that reference Pipelines are walked, iteratively, namespace by namespace.
    /// A task method that is not public may be left out of the library's metadata; its asset is then declared external.
    /// </summary>
    public static HashSet<string> ReadReferenced(Compilation compilation, KnownSymbols known, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (known.PipelineAttribute is null || known.ProducesAttribute is null) return names;
        var pipelines = known.PipelineAttribute.ContainingAssembly.Identity.Name;
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            if (assembly.Identity.Name == pipelines || !References(assembly, pipelines)) continue;
            foreach (var attribute in assembly.GetAttributes())
            {
                if (KnownSymbols.Is(attribute.AttributeClass, known.ExternalAssetAttribute) && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string external && AssetExpression.IsValidName(external, out _))
                    names.Add(external);
            }

            var pending = new Stack<INamespaceOrTypeSymbol>();
            pending.Push(assembly.GlobalNamespace);
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var symbol = pending.Pop();
                if (symbol is INamespaceSymbol ns)
                {
                    foreach (var member in ns.GetMembers()) pending.Push(member);
                    continue;
                }
                var type = (INamedTypeSymbol)symbol;
                foreach (var nested in type.GetTypeMembers()) pending.Push(nested);
                if (known.Find(type, known.PipelineAttribute) is null) continue;
                foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
                {
                    foreach (var attribute in method.GetAttributes())
                    {
                        if (!KnownSymbols.Is(attribute.AttributeClass, known.ProducesAttribute) || attribute.ConstructorArguments.Length != 1
                            || attribute.ConstructorArguments[0] is not { Kind: TypedConstantKind.Array, IsNull: false } produced) continue;
                        foreach (var value in produced.Values)
                            if (value.Value is string name && AssetExpression.IsValidName(name, out _)) names.Add(name);
                    }
                }
            }
        }
        return names;

        static bool References(IAssemblySymbol assembly, string name)
        {
            foreach (var module in assembly.Modules)
                foreach (var referenced in module.ReferencedAssemblySymbols)
                    if (referenced.Identity.Name == name) return true;
            return false;
        }
    }
}
