using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>What a task takes: typed inputs from upstream tasks, the run context, run parameters, the cancellation token.</summary>
internal static partial class PipelineParser
{
    /// <summary>
    /// The task's parameters: an upstream task's output (<c>[FromTask]</c>, checked against what that task returns), the
    /// run parameters, the <c>RunContext</c> or the cancellation token. Anything else is reported.
    /// </summary>
    /// <param name="syntaxInputs">The parameters' <c>[FromTask]</c> ids as <see cref="SyntaxTaskReader"/> read them (null
    /// for a parameter without attributes), or null to bind the parameters' attributes.</param>
    private static ImmutableArray<ParameterSpec> ReadParameters(
        IMethodSymbol method,
        List<(string Id, Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionSyntax Element)?>? syntaxInputs,
        ParameterFacts facts,
        Location methodLocation,
        TaskLocations locations,
        Dictionary<string, IMethodSymbol> tasksByName,
        HashSet<string> taskNames,
        KnownSymbols known,
        DiagnosticReporter report,
        ref bool blocked,
        CancellationToken cancellationToken)
    {
        var id = method.Name;
        var parameters = ImmutableArray.CreateBuilder<ParameterSpec>();
        for (var index = 0; index < method.Parameters.Length; index++)
        {
            var parameter = method.Parameters[index];
            if (ContainsError(parameter.Type)) blocked = true;
            var typeName = known.SourceName(parameter.Type);
            var typeOf = known.TypeOfName(parameter.Type);
            // Read from syntax: [FromTask] and nothing else, or no attributes at all.
            if (syntaxInputs?[index] is { } input)
            {
                AddInput(parameter, typeName, typeOf, input.Id, input.Element.GetLocation());
                continue;
            }
            var fromTask = syntaxInputs is null ? known.Find(parameter, known.FromTaskAttribute) : null;
            if (facts.Find(parameter, known.MapOverAttribute) is { } mapOver)
            {
                var mapped = MapOverParser.Parse(id, parameter, mapOver, typeName, typeOf, tasksByName, known, facts, report, ref blocked, cancellationToken, out var mapLocation);
                locations.Parameters.Add(mapLocation);
                if (mapped is not null) parameters.Add(mapped);
                continue;
            }
            if (fromTask is not null)
            {
                if (fromTask.ConstructorArguments.Length != 1 || fromTask.ConstructorArguments[0].Kind == TypedConstantKind.Error)
                {
                    blocked = true; // a missing or non-constant argument is the compiler's error
                    locations.Parameters.Add(null);
                    continue;
                }
                var argumentLocation = AttributeArguments.Positional(fromTask, 0, cancellationToken);
                if (fromTask.ConstructorArguments[0].Value is not string fromId)
                {
                    report(DiagnosticDescriptors.NullTaskId, argumentLocation, new object?[] { $"[FromTask] on parameter '{parameter.Name}' of task '{id}'" });
                    locations.Parameters.Add(null);
                    continue;
                }
                AddInput(parameter, typeName, typeOf, fromId, argumentLocation);
                continue;
            }

            locations.Parameters.Add(null);
            if (facts.Find(parameter, known.RunParametersAttribute) is not null)
                parameters.Add(new ParameterSpec(parameter.Name, ParameterSource.RunParameters, typeName, typeOf, null));
            else if (KnownSymbols.Is(parameter.Type, known.RunContext))
                parameters.Add(new ParameterSpec(parameter.Name, ParameterSource.RunContext, typeName, typeOf, null));
            else if (KnownSymbols.Is(parameter.Type, known.CancellationToken))
                parameters.Add(new ParameterSpec(parameter.Name, ParameterSource.CancellationToken, typeName, typeOf, null));
            else if (parameter.Type.TypeKind != TypeKind.Error && parameter.RefKind == RefKind.None)
                report(DiagnosticDescriptors.UnsupportedParameter, parameter.Locations.FirstOrDefault() ?? methodLocation, new object?[] { parameter.Name, id });
        }
        return parameters.ToImmutable();

        // A typed input: what an upstream task returns, by the [FromTask] argument at argumentLocation.
        void AddInput(IParameterSymbol parameter, string typeName, string typeOf, string fromId, Location argumentLocation)
        {
            if (!ContainsError(parameter.Type) && Unstorable(parameter.Type) is { } why)
            {
                report(DiagnosticDescriptors.InvalidTaskMethod, parameter.Locations.FirstOrDefault() ?? methodLocation, new object?[]
                {
                    id, $"takes '{parameter.Name}' as '{parameter.Type.ToDisplayString(s_messageFormat)}', which {why}", "Take the upstream output as a type that can be stored, such as object, a record or an array.",
                });
            }
            locations.Parameters.Add(argumentLocation);
            parameters.Add(new ParameterSpec(parameter.Name, ParameterSource.FromTask, typeName, typeOf, fromId));
            SuggestNameOf(fromId, id, argumentLocation, taskNames, report, cancellationToken);
            if (!MapOverParser.CheckReduce(id, parameter, fromId, argumentLocation, tasksByName, known, facts, report))
                CheckInputType(id, parameter, fromId, argumentLocation, tasksByName, known, report);
        }
    }

    private static void CheckInputType(
        string taskId,
        IParameterSymbol parameter,
        string fromId,
        Location argumentLocation,
        Dictionary<string, IMethodSymbol> tasksByName,
        KnownSymbols known,
        DiagnosticReporter report)
    {
        if (!tasksByName.TryGetValue(fromId, out var upstream) || upstream.Name == taskId) return; // unknown or self: the validator reports those with the graph.

        var (_, upstreamOutput) = Unwrap(upstream.ReturnType, known);
        if (upstreamOutput is null)
        {
            report(DiagnosticDescriptors.InputFromTaskWithoutResult, argumentLocation, new object?[] { parameter.Name, taskId, fromId });
            return;
        }
        if (upstreamOutput.TypeKind == TypeKind.Error || parameter.Type.TypeKind == TypeKind.Error) return;

        if (!Accepts(known, upstreamOutput, parameter.Type))
        {
            report(DiagnosticDescriptors.InputTypeMismatch, argumentLocation, new object?[]
            {
                parameter.Name, taskId, parameter.Type.ToDisplayString(s_messageFormat), fromId, upstreamOutput.ToDisplayString(s_messageFormat),
            }, Properties(DiagnosticProperties.ExpectedType, upstreamOutput.ToDisplayString(s_typeFormat)));
        }
    }

    /// <summary>
    /// The run parameters record: the pipeline's <c>Parameters</c>, or else the type of the first <c>[RunParameters]</c>
    /// task parameter. Every <c>[RunParameters]</c> parameter must take that same type.
    /// </summary>
    private static RunParametersSpec? ReadRunParameters(
        string id,
        bool scheduled,
        ITypeSymbol? declared,
        AttributeData pipelineAttribute,
        List<(IMethodSymbol Method, AttributeData? Attribute)> taskMethods,
        KnownSymbols known,
        ParameterFacts facts,
        DiagnosticReporter report,
        ref bool blocked,
        CancellationToken cancellationToken)
    {
        var chosen = declared;
        var where = declared is null ? Location.None : AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.Parameters), cancellationToken);
        foreach (var (method, _) in taskMethods)
        {
            foreach (var parameter in method.Parameters)
            {
                if (facts.Find(parameter, known.RunParametersAttribute) is null || parameter.Type.TypeKind == TypeKind.Error) continue;
                var location = parameter.Locations.FirstOrDefault() ?? Location.None;
                if (chosen is null)
                {
                    chosen = parameter.Type;
                    where = location;
                }
                else if (!SymbolEqualityComparer.Default.Equals(chosen.WithNullableAnnotation(NullableAnnotation.None), parameter.Type.WithNullableAnnotation(NullableAnnotation.None)))
                {
                    report(DiagnosticDescriptors.RunParametersTypeMismatch, location, new object?[]
                    {
                        parameter.Name, method.Name, parameter.Type.ToDisplayString(s_messageFormat), id, chosen.ToDisplayString(s_messageFormat),
                    }, Properties(DiagnosticProperties.ExpectedType, chosen.ToDisplayString(s_typeFormat)));
                }
            }
        }
        return chosen is null ? null : RunParametersParser.Parse(chosen, where, id, scheduled, known, report, ref blocked, cancellationToken);
    }

    /// <summary>Whether a task's input of type <paramref name="to"/> takes a value of type <paramref name="from"/>: identity, or an implicit reference, nullable or numeric conversion (PIPE009, and mapping's PIPE044/045).</summary>
    internal static bool Accepts(KnownSymbols known, ITypeSymbol from, ITypeSymbol to)
    {
        var conversion = known.Compilation.ClassifyConversion(from, to);
        return conversion.IsIdentity || (conversion.IsImplicit && (conversion.IsReference || conversion.IsNullable || conversion.IsNumeric));
    }
}
