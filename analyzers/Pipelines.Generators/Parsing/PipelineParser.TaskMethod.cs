using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>A task method: its shape, return type and kind (<c>[Condition]</c>, <c>[Branch]</c>, <c>[Sensor]</c>), and task attributes left on a method that is no task.</summary>
internal static partial class PipelineParser
{
    private static TaskSpec ParseTask(
        IMethodSymbol method,
        AttributeData? attribute,
        SyntaxTask? syntaxTask,
        ParameterFacts facts,
        Dictionary<string, IMethodSymbol> tasksByName,
        HashSet<string> taskNames,
        string pipelineId,
        string? calendar,
        KnownSymbols known,
        DiagnosticReporter report,
        ref bool blocked,
        CancellationToken cancellationToken,
        out TaskLocations locations)
    {
        var id = method.Name;
        var methodLocation = method.Locations.FirstOrDefault() ?? Location.None;
        locations = new TaskLocations(methodLocation);

        // Method shape.
        if (method.MethodKind != MethodKind.Ordinary)
            report(DiagnosticDescriptors.InvalidTaskMethod, methodLocation, new object?[] { id, "is not an ordinary method", "Declare the task as a plain method of the pipeline class." });
        if (method.IsGenericMethod)
            report(DiagnosticDescriptors.InvalidTaskMethod, methodLocation, new object?[] { id, "is generic", "Remove the type parameters; the pipeline cannot choose type arguments." });
        if (method.IsAsync && method.ReturnsVoid)
            report(DiagnosticDescriptors.InvalidTaskMethod, methodLocation, new object?[] { id, "is async void, so the pipeline cannot await it or see its failure", "Return Task instead of void." });
        if (method.IsAbstract)
            report(DiagnosticDescriptors.InvalidTaskMethod, methodLocation, new object?[] { id, "is abstract", "Give the task a body." });
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                report(DiagnosticDescriptors.InvalidTaskMethod, parameter.Locations.FirstOrDefault() ?? methodLocation,
                    new object?[] { id, $"takes '{parameter.Name}' by {RefKindText(parameter.RefKind)}", "Pass task inputs by value; return results instead of writing to parameters." });
            }
        }

        // Return type.
        var (shape, outputSymbol) = Unwrap(method.ReturnType, known);
        if (ContainsError(method.ReturnType)) blocked = true;
        else if (outputSymbol is not null && Unstorable(outputSymbol) is { } why)
            report(DiagnosticDescriptors.InvalidTaskMethod, methodLocation, new object?[] { id, $"returns '{outputSymbol.ToDisplayString(s_messageFormat)}', which {why}", "Return a type that can be stored, such as object, a record or an array." });
        OutputTypeSpec? output = outputSymbol is null ? null : new OutputTypeSpec(known.SourceName(outputSymbol), known.TypeOfName(outputSymbol));

        // Kind.
        // The first of each kind's attributes, in one pass over the method's attributes.
        AttributeData? condition = null, branch = null, sensor = null;
        // A task read from syntax has none of them (its attributes are [PipelineTask] and [DependsOn] only).
        foreach (var methodAttribute in syntaxTask is null ? method.GetAttributes() : ImmutableArray<AttributeData>.Empty)
        {
            var cls = methodAttribute.AttributeClass;
            if (condition is null && KnownSymbols.Is(cls, known.ConditionAttribute)) condition = methodAttribute;
            else if (branch is null && KnownSymbols.Is(cls, known.BranchAttribute)) branch = methodAttribute;
            else if (sensor is null && KnownSymbols.Is(cls, known.SensorAttribute)) sensor = methodAttribute;
        }
        var kinds = (condition is null ? 0 : 1) + (branch is null ? 0 : 1) + (sensor is null ? 0 : 1);
        var kind = sensor is not null ? TaskKind.Sensor : branch is not null ? TaskKind.Branch : condition is not null ? TaskKind.Condition : TaskKind.Task;
        var branchReturn = BranchReturn.None;
        // Spelt only for a message: a display string per task costs time on every run at thousands of tasks.
        string ReturnText() => method.ReturnType.ToDisplayString(s_messageFormat);
        if (kinds > 1)
        {
            report(DiagnosticDescriptors.InvalidTaskKindReturn, methodLocation,
                new object?[] { "Task", id, ReturnText(), "a task can be only one of [Condition], [Branch] and [Sensor]; keep one of them." });
        }
        else if ((kind == TaskKind.Condition || kind == TaskKind.Sensor) && outputSymbol?.SpecialType != SpecialType.System_Boolean && !blocked)
        {
            var what = kind == TaskKind.Condition ? "Condition" : "Sensor";
            var rule = kind == TaskKind.Condition
                ? "a condition returns bool (or Task<bool>/ValueTask<bool>): false skips everything downstream."
                : "a sensor returns bool (or Task<bool>/ValueTask<bool>): true when what it waits for has happened.";
            report(DiagnosticDescriptors.InvalidTaskKindReturn, methodLocation, new object?[] { what, id, ReturnText(), rule });
        }
        else if (kind == TaskKind.Branch)
        {
            branchReturn = BranchShape(outputSymbol, known);
            if (branchReturn == BranchReturn.None && !blocked)
            {
                report(DiagnosticDescriptors.InvalidTaskKindReturn, methodLocation,
                    new object?[] { "Branch", id, ReturnText(), "a branch returns the id of the task to follow (string) or several ids (IEnumerable<string>), optionally wrapped in Task<T>/ValueTask<T>." });
            }
        }

        var parameters = ReadParameters(method, syntaxTask?.Inputs, facts, methodLocation, locations, tasksByName, taskNames, known, report, ref blocked, cancellationToken);
        var dependsOn = syntaxTask is null
            ? ReadDependsOn(method, locations, taskNames, known, report, ref blocked, cancellationToken)
            : ReadDependsOn(id, syntaxTask, locations, taskNames, report, cancellationToken);
        // A task read from syntax has no AttributeData: the reader read its [PipelineTask]'s arguments.
        var taskArguments = attribute is not null ? NamedArguments.Of(attribute, cancellationToken) : syntaxTask?.Settings ?? NamedArguments.None;
        var settings = ReadTaskSettings(id, taskArguments, pipelineId, calendar, known, report, ref blocked, cancellationToken);
        var branchTargets = ReadBranchTargets(id, branch, locations, taskNames, report, ref blocked, cancellationToken);
        var sensorSpec = ReadSensor(id, sensor, report, ref blocked, cancellationToken);

        return new TaskSpec(
            id,
            method.IsStatic,
            shape,
            output,
            kind,
            branchReturn,
            dependsOn.ToEquatableArray(),
            parameters.ToEquatableArray(),
            settings.Retries,
            settings.RetryDelayTicks,
            settings.RetryExponentialBackoff,
            settings.MaxRetryDelayTicks,
            settings.TimeoutTicks,
            settings.Trigger,
            settings.Queue,
            settings.PriorityWeight,
            branchTargets.ToEquatableArray(),
            sensorSpec,
            settings.Controls)
        {
            Produces = syntaxTask is null ? AssetParser.ReadProduces(method, known, report, ref blocked, cancellationToken) : EquatableArray<string>.Empty,
            MaxMapLength = MapOverParser.ReadTaskSettings(method, taskArguments, kind == TaskKind.Task, known, facts, report, cancellationToken),
            MapLabelProperty = MapOverParser.LabelProperty(method, known, facts),
        };
    }

    internal static (ReturnShape Shape, ITypeSymbol? Output) Unwrap(ITypeSymbol returnType, KnownSymbols known)
    {
        if (returnType.SpecialType == SpecialType.System_Void) return (ReturnShape.Void, null);
        if (returnType is INamedTypeSymbol named)
        {
            if (KnownSymbols.Is(named, known.Task)) return (ReturnShape.Task, null);
            if (KnownSymbols.Is(named, known.ValueTask)) return (ReturnShape.ValueTask, null);
            if (named.IsGenericType && named.TypeArguments.Length == 1)
            {
                if (KnownSymbols.Is(named.OriginalDefinition, known.TaskOfT)) return (ReturnShape.TaskOfT, named.TypeArguments[0]);
                if (KnownSymbols.Is(named.OriginalDefinition, known.ValueTaskOfT)) return (ReturnShape.ValueTaskOfT, named.TypeArguments[0]);
            }
        }
        return (ReturnShape.Value, returnType);
    }

    private static BranchReturn BranchShape(ITypeSymbol? output, KnownSymbols known)
    {
        if (output is null) return BranchReturn.None;
        if (output.SpecialType == SpecialType.System_String) return BranchReturn.Single;
        var stringType = known.Compilation.GetSpecialType(SpecialType.System_String);
        var enumerableOfString = known.IEnumerableOfT.Construct(stringType);
        var conversion = known.Compilation.ClassifyConversion(output, enumerableOfString);
        return conversion.IsImplicit && (conversion.IsIdentity || conversion.IsReference) ? BranchReturn.Many : BranchReturn.None;
    }

    private static void ReportStraySettings(IMethodSymbol method, KnownSymbols known, DiagnosticReporter report)
    {
        foreach (var attribute in method.GetAttributes())
        {
            var cls = attribute.AttributeClass;
            if (KnownSymbols.Is(cls, known.DependsOnAttribute) || KnownSymbols.Is(cls, known.ConditionAttribute)
                || KnownSymbols.Is(cls, known.BranchAttribute) || KnownSymbols.Is(cls, known.SensorAttribute))
            {
                var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? method.Locations.FirstOrDefault() ?? Location.None;
                report(DiagnosticDescriptors.TaskAttributeWithoutPipelineTask, location, new object?[] { method.Name, ShortName(cls!) });
            }
        }
    }

    public static string ShortName(INamedTypeSymbol attributeClass) =>
        attributeClass.Name.EndsWith("Attribute", StringComparison.Ordinal) ? attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length) : attributeClass.Name;
}
