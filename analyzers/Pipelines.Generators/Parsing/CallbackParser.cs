using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;
using Pipelines.Generators.Validation;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Reads a method marked [OnFailure], [OnSuccess], [OnRetry] or [OnDeadlineMissed] into one <see cref="CallbackSpec"/> per
/// attribute. A callback returns void, Task or ValueTask and takes the <c>PipelineEvent</c>, a <c>CancellationToken</c>
/// and services from DI, by value; it may be static or an instance method (then the class is created as for a task).
/// </summary>
internal static class CallbackParser
{
    public static IEnumerable<CallbackSpec> Parse(
        IMethodSymbol method,
        List<(AttributeData Attribute, PipelineCallbackKind Kind)> attributes,
        List<(IMethodSymbol Method, AttributeData? Attribute)> tasks,
        HashSet<string> taskNameSet,
        string pipelineId,
        KnownSymbols known,
        DiagnosticReporter report,
        ref bool blocked,
        CancellationToken cancellationToken)
    {
        var name = method.Name;
        if (name.Length == 0) blocked = true; // the compiler reports the missing name
        var methodLocation = method.Locations.FirstOrDefault() ?? Location.None;
        void Invalid(Location where, string problem, string fix) =>
            report(DiagnosticDescriptors.InvalidCallbackMethod, where, new object?[] { name, problem, fix });

        // The signature is checked once, however many callback attributes the method has.
        if (method.MethodKind != MethodKind.Ordinary)
            Invalid(methodLocation, "is not an ordinary method", "Declare the callback as a plain method of the pipeline class.");
        if (method.IsGenericMethod)
            Invalid(methodLocation, "is generic", "Remove the type parameters; the pipeline cannot choose type arguments.");
        if (method.IsAbstract)
            Invalid(methodLocation, "is abstract", "Give the callback a body.");

        var (shape, _) = PipelineParser.Unwrap(method.ReturnType, known);
        if (PipelineParser.ContainsError(method.ReturnType)) blocked = true;
        else if (method.IsAsync && method.ReturnsVoid)
            Invalid(methodLocation, "is async void, so the pipeline cannot await it or see its failure", "Return Task instead of void.");
        else if (shape is not (ReturnShape.Void or ReturnShape.Task or ReturnShape.ValueTask))
            Invalid(methodLocation, $"returns '{method.ReturnType.ToDisplayString(PipelineParser.s_messageFormat)}'", "Return void, Task or ValueTask; nothing reads a callback's result.");

        var parameters = ImmutableArray.CreateBuilder<CallbackParameterSpec>(method.Parameters.Length);
        foreach (var parameter in method.Parameters)
        {
            var where = parameter.Locations.FirstOrDefault() ?? methodLocation;
            if (PipelineParser.ContainsError(parameter.Type)) { blocked = true; continue; }
            if (parameter.RefKind != RefKind.None)
            {
                Invalid(where, $"takes '{parameter.Name}' by {PipelineParser.RefKindText(parameter.RefKind)}", "Take the event, the cancellation token and services by value.");
                continue;
            }
            if (KnownSymbols.Is(parameter.Type, known.PipelineEvent))
                parameters.Add(new CallbackParameterSpec(CallbackParameterSource.Event, "", false));
            else if (KnownSymbols.Is(parameter.Type, known.CancellationToken))
                parameters.Add(new CallbackParameterSpec(CallbackParameterSource.CancellationToken, "", false));
            else if (parameter.Type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString() == "System.IServiceProvider")
                parameters.Add(new CallbackParameterSpec(CallbackParameterSource.ServiceProvider, "", false));
            else if (KnownSymbols.Is(parameter.Type, known.RunContext))
                Invalid(where, $"takes '{parameter.Name}' as a RunContext, which only a running task has", "Take the PipelineEvent instead: it names the run (RunId) and the task (TaskId).");
            else
            {
                var optional = parameter.HasExplicitDefaultValue || parameter.NullableAnnotation == NullableAnnotation.Annotated;
                parameters.Add(new CallbackParameterSpec(CallbackParameterSource.Service, PipelineParser.TypeOfName(parameter.Type), optional));
            }
        }

        // In declaration order for the suggestion; membership is checked on the set, so many ids stay linear.
        var taskNames = tasks.Select(t => t.Method.Name).ToList();
        var specs = new List<CallbackSpec>(attributes.Count);
        foreach (var (attribute, kind) in attributes)
        {
            var taskIds = ImmutableArray.CreateBuilder<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0] is { Kind: TypedConstantKind.Array } array)
            {
                var values = array.IsNull ? ImmutableArray<TypedConstant>.Empty : array.Values;
                var locations = AttributeArguments.ParamsElements(attribute, 0, values.Length, cancellationToken);
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i].Kind == TypedConstantKind.Error) { blocked = true; continue; }
                    if (values[i].Value is not string taskId)
                    {
                        report(DiagnosticDescriptors.NullTaskId, locations[i], new object?[] { $"[{PipelineParser.ShortName(attribute.AttributeClass!)}] on callback '{name}'" });
                        continue;
                    }
                    if (!taskNameSet.Contains(taskId))
                    {
                        var closest = Suggestions.Closest(taskId, taskNames);
                        report(DiagnosticDescriptors.UnknownCallbackTask, locations[i], new object?[] { name, taskId, pipelineId, Suggestions.DidYouMean(closest) },
                            PipelineParser.Properties(DiagnosticProperties.Suggestion, closest));
                        continue;
                    }
                    if (seen.Add(taskId)) taskIds.Add(taskId);
                    PipelineParser.SuggestNameOf(taskId, name, locations[i], taskNameSet, report, cancellationToken);
                }
            }
            else
            {
                blocked = true;
            }
            specs.Add(new CallbackSpec(name, kind, method.IsStatic, shape, taskIds.ToImmutable().ToEquatableArray(), parameters.ToImmutable().ToEquatableArray()));
        }
        return specs;
    }
}
