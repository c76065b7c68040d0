using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Dynamic task mapping at compile time: a <c>[MapOver]</c> parameter takes one element of an upstream task's collection
/// (its type checked against the collection's element type), a <c>[FromTask]</c> input from a mapped task takes all its
/// results as a list (a reduce), and the shapes the runtime does not run (nested mapping, two collections, a mapped
/// condition, branch or sensor) are errors here rather than surprises at run time.
/// </summary>
internal static class MapOverParser
{
    /// <summary>Whether a task method maps over a collection (has a <c>[MapOver]</c> parameter).</summary>
    public static bool IsMapped(IMethodSymbol method, KnownSymbols known, ParameterFacts facts)
    {
        foreach (var parameter in method.Parameters)
            if (facts.Find(parameter, known.MapOverAttribute) is not null) return true;
        return false;
    }

    /// <summary>
    /// Reads a <c>[MapOver]</c> parameter: the spec, or null when the attribute's argument is missing or null. Reports
    /// PIPE045 (element type), PIPE046 (not a collection) and PIPE047 (nested mapping) on the attribute's argument.
    /// </summary>
    public static ParameterSpec? Parse(
        string taskId,
        IParameterSymbol parameter,
        AttributeData mapOver,
        string typeName,
        string typeOf,
        Dictionary<string, IMethodSymbol> tasksByName,
        KnownSymbols known,
        ParameterFacts facts,
        DiagnosticReporter report,
        ref bool blocked,
        CancellationToken cancellationToken,
        out Location? argumentLocation)
    {
        argumentLocation = null;
        if (mapOver.ConstructorArguments.Length != 1 || mapOver.ConstructorArguments[0].Kind == TypedConstantKind.Error)
        {
            blocked = true; // a missing or non-constant argument is the compiler's error
            return null;
        }
        var where = AttributeArguments.Positional(mapOver, 0, cancellationToken);
        if (mapOver.ConstructorArguments[0].Value is not string fromId)
        {
            report(DiagnosticDescriptors.NullTaskId, where, new object?[] { $"[MapOver] on parameter '{parameter.Name}' of task '{taskId}'" });
            return null;
        }
        argumentLocation = where;
        if (known.Find(parameter, known.FromTaskAttribute) is not null)
        {
            report(DiagnosticDescriptors.InvalidMapping, where, new object?[]
            {
                taskId, $"has both [MapOver] and [FromTask] on parameter '{parameter.Name}'", "Keep [MapOver] to take one element per instance, or [FromTask] to take the whole output in every instance.",
            });
        }

        tasksByName.TryGetValue(fromId, out var upstream);
        // Unknown or self: the validator reports those with the graph.
        if (upstream is not null && upstream.Name != taskId && !PipelineParser.ContainsError(parameter.Type))
        {
            var (_, output) = PipelineParser.Unwrap(upstream.ReturnType, known);
            if (IsMapped(upstream, known, facts))
            {
                report(DiagnosticDescriptors.NestedMapping, where, new object?[]
                {
                    parameter.Name, taskId, fromId, output?.ToDisplayString(PipelineParser.s_messageFormat) ?? "T",
                });
            }
            else if (output is null)
            {
                report(DiagnosticDescriptors.MapOverNonCollection, where, new object?[] { parameter.Name, taskId, fromId, "no value" });
            }
            else if (output.TypeKind != TypeKind.Error)
            {
                var element = ElementOf(output, known);
                if (element is null)
                {
                    report(DiagnosticDescriptors.MapOverNonCollection, where, new object?[]
                    {
                        parameter.Name, taskId, fromId, $"'{output.ToDisplayString(PipelineParser.s_messageFormat)}', which is not a collection",
                    });
                }
                else if (element.TypeKind != TypeKind.Error && !PipelineParser.Accepts(known, element, parameter.Type))
                {
                    report(DiagnosticDescriptors.MapElementTypeMismatch, where, new object?[]
                    {
                        parameter.Name, taskId, parameter.Type.ToDisplayString(PipelineParser.s_messageFormat), fromId, element.ToDisplayString(PipelineParser.s_messageFormat),
                    });
                }
            }
        }
        return new ParameterSpec(parameter.Name, ParameterSource.MapOver, typeName, typeOf, fromId);
    }

    /// <summary>
    /// Checks a <c>[FromTask]</c> input when its upstream is mapped (a reduce): the parameter must be a list of what one
    /// instance returns (PIPE044). Returns false when the upstream is not mapped, or returns nothing, so the ordinary
    /// input checks apply.
    /// </summary>
    public static bool CheckReduce(
        string taskId,
        IParameterSymbol parameter,
        string fromId,
        Location argumentLocation,
        Dictionary<string, IMethodSymbol> tasksByName,
        KnownSymbols known,
        ParameterFacts facts,
        DiagnosticReporter report)
    {
        tasksByName.TryGetValue(fromId, out var upstream);
        if (upstream is null || upstream.Name == taskId || !IsMapped(upstream, known, facts)) return false;
        var (_, output) = PipelineParser.Unwrap(upstream.ReturnType, known);
        if (output is null) return false;
        if (output.TypeKind == TypeKind.Error || PipelineParser.ContainsError(parameter.Type)) return true;
        var element = ElementOf(parameter.Type, known);
        if (element is null || !PipelineParser.Accepts(known, output, element))
        {
            report(DiagnosticDescriptors.InputFromMappedTask, argumentLocation, new object?[]
            {
                parameter.Name, taskId, parameter.Type.ToDisplayString(PipelineParser.s_messageFormat), fromId, output.ToDisplayString(PipelineParser.s_messageFormat),
            });
        }
        return true;
    }

    /// <summary>
    /// The task-level mapping checks: one <c>[MapOver]</c> parameter at most (PIPE048), only on a plain task, and a
    /// <c>MaxMapLength</c> that is positive and set only on a mapped task (PIPE049). Returns the task's MaxMapLength (0: none).
    /// </summary>
    public static int ReadTaskSettings(IMethodSymbol method, NamedArguments taskArguments, bool plainTask, KnownSymbols known, ParameterFacts facts, DiagnosticReporter report, CancellationToken cancellationToken)
    {
        string? first = null;
        var mapped = false;
        foreach (var parameter in method.Parameters)
        {
            if (facts.Find(parameter, known.MapOverAttribute) is not { } attribute) continue;
            mapped = true;
            if (first is null)
            {
                first = parameter.Name;
                continue;
            }
            var where = attribute.ConstructorArguments.Length == 1 ? AttributeArguments.Positional(attribute, 0, cancellationToken) : parameter.Locations.FirstOrDefault() ?? Location.None;
            report(DiagnosticDescriptors.SeveralMapOverParameters, where, new object?[] { method.Name, first, parameter.Name });
        }
        if (mapped && !plainTask)
        {
            report(DiagnosticDescriptors.InvalidMapping, method.Locations.FirstOrDefault() ?? Location.None, new object?[]
            {
                method.Name, "maps over a collection but is a condition, branch or sensor", "Map a plain [PipelineTask]; decide with a condition or branch downstream of its results.",
            });
        }

        var maxMapLength = 0;
        foreach (var named in taskArguments.All)
        {
            if (named.Name != nameof(Api.PipelineTaskAttribute.MaxMapLength) || named.Value is not int value) continue;
            var where = named.Where;
            if (!mapped)
                report(DiagnosticDescriptors.InvalidMapping, where, new object?[] { method.Name, "sets MaxMapLength but has no [MapOver] parameter", "Remove MaxMapLength, or map the task over an upstream collection with [MapOver]." });
            else if (value < 0)
                report(DiagnosticDescriptors.InvalidMapping, where, new object?[] { method.Name, $"sets MaxMapLength to {value}", "Set at least 1, or 0 to take the runtime's Pipelines:MaxMapLength (1,024 by default)." });
            else
                maxMapLength = value;
        }
        return maxMapLength;
    }

    /// <summary>
    /// The property of the mapped parameter's type marked <c>[MapLabel]</c> (its own or inherited, readable, not
    /// indexed), or null: each instance is then labelled with its element's <c>ToString()</c>.
    /// </summary>
    public static string? LabelProperty(IMethodSymbol method, KnownSymbols known, ParameterFacts facts)
    {
        if (known.MapLabelAttribute is null) return null;
        foreach (var parameter in method.Parameters)
        {
            if (facts.Find(parameter, known.MapOverAttribute) is null) continue;
            for (var type = parameter.Type; type is not null; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member is IPropertySymbol { IsIndexer: false, IsStatic: false, GetMethod: not null, DeclaredAccessibility: Accessibility.Public } property
                        && known.Find(property, known.MapLabelAttribute) is not null) return property.Name;
                }
            }
            return null;
        }
        return null;
    }

    /// <summary>
    /// The element type of a collection the runtime can map over or hand a reduce: an array, or a type that is (or
    /// implements) <c>IEnumerable&lt;T&gt;</c>, other than a string or a dictionary (which are not JSON arrays).
    /// </summary>
    internal static ITypeSymbol? ElementOf(ITypeSymbol type, KnownSymbols known)
    {
        if (type is IArrayTypeSymbol { Rank: 1 } array) return array.ElementType;
        if (type.SpecialType == SpecialType.System_String || type is not INamedTypeSymbol named) return null;
        // A dictionary type itself (IReadOnlyDictionary<K, V> returned as such) is not among its own interfaces.
        if (IsDictionary(named)) return null;
        ITypeSymbol? element = null;
        if (named.IsGenericType && KnownSymbols.Is(named.OriginalDefinition, known.IEnumerableOfT)) element = named.TypeArguments[0];
        foreach (var candidate in named.AllInterfaces)
        {
            if (IsDictionary(candidate)) return null;
            if (element is null && KnownSymbols.Is(candidate.OriginalDefinition, known.IEnumerableOfT)) element = candidate.TypeArguments[0];
        }
        return element;

        static bool IsDictionary(INamedTypeSymbol type) =>
            type.IsGenericType && type.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
            && type.MetadataName is "IDictionary`2" or "IReadOnlyDictionary`2";
    }

}
