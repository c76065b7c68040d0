using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Turns a <c>[Pipeline]</c> class symbol into a <see cref="PipelineSpec"/> and the diagnostics about its symbols. This file
/// reads the class as a whole; each concern has its own file: <c>.Class</c> (the class itself and its constructor),
/// <c>.Settings</c> (the pipeline's settings), <c>.TaskMethod</c> (a task's method, return type and kind),
/// <c>.TaskSettings</c> (a task's and a sensor's settings), <c>.Inputs</c> (task parameters and run parameters),
/// <c>.Dependencies</c> (<c>[DependsOn]</c> and branch targets) and <c>.Types</c> (how types are checked and spelt).
/// </summary>
internal static partial class PipelineParser
{
    private static readonly Regex s_pipelineId = new("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);

    /// <param name="readTasksFromSyntax">
    /// Whether task methods whose attributes <see cref="SyntaxTaskReader"/> can read are read from syntax instead of
    /// binding them; the result is the same either way (tests compare the two), only the time differs.
    /// </param>
    public static ParseResult Parse(INamedTypeSymbol type, AttributeData pipelineAttribute, KnownSymbols known, CancellationToken cancellationToken, bool readTasksFromSyntax = true)
    {
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        var classLocation = type.Locations.FirstOrDefault() ?? Location.None;
        var locations = new PipelineLocations(classLocation);
        var blocked = false;

        void Report(DiagnosticDescriptor descriptor, Location location, params object?[] args) =>
            diagnostics.Add(Diagnostic.Create(descriptor, location, args));
        void ReportWith(DiagnosticDescriptor descriptor, Location location, object?[] args, ImmutableDictionary<string, string?>? properties = null) =>
            diagnostics.Add(Diagnostic.Create(descriptor, location, properties, args));

        // Pipeline id.
        string? id = null;
        if (pipelineAttribute.ConstructorArguments.Length == 1 && pipelineAttribute.ConstructorArguments[0] is { Kind: TypedConstantKind.Primitive, Value: string value })
        {
            id = value;
        }
        var idLocation = AttributeArguments.Positional(pipelineAttribute, 0, cancellationToken);
        if (id is null)
        {
            // A missing or non-constant id is already a compiler error; a null one is valid C# and needs ours.
            if (pipelineAttribute.ConstructorArguments.Length == 1 && pipelineAttribute.ConstructorArguments[0] is { Kind: TypedConstantKind.Primitive, IsNull: true })
                Report(DiagnosticDescriptors.InvalidPipelineId, idLocation, "", "it is null");
            return new ParseResult(null, diagnostics.ToImmutable(), locations, blocked: true);
        }
        var idProblem = id.Length == 0 ? "it is empty"
            : id.Trim().Length != id.Length ? "it has leading or trailing spaces"
            : !s_pipelineId.IsMatch(id) ? "it contains characters other than letters, digits, '_', '-' and '.'"
            : null;
        if (idProblem is not null) Report(DiagnosticDescriptors.InvalidPipelineId, idLocation, id, idProblem);

        CheckClass(type, known, ReportWith, cancellationToken);
        // A name the parser could not read (`partial class {`) is the compiler's error; there is nothing to reopen.
        if (HasMissingName(type)) blocked = true;

        var settings = ReadSettings(pipelineAttribute, id, known, ReportWith, ref blocked, cancellationToken);

        // Tasks, in declaration order.
        // A task read from syntax has no AttributeData: its SyntaxTask holds its [PipelineTask]'s settings, its [DependsOn]
        // ids and, where read, its parameters' [FromTask] ids.
        var taskMethods = new List<(IMethodSymbol Method, AttributeData? Attribute)>();
        var syntaxTasks = new List<SyntaxTask?>();
        var callbackMethods = new List<(IMethodSymbol Method, List<(AttributeData Attribute, PipelineCallbackKind Kind)> Attributes)>();
        var reader = readTasksFromSyntax ? new SyntaxTaskReader(type, known) : null;
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Not the static method the compiler makes in the class for a member of a C# 14 extension block, which carries
            // that member's attributes (PIPE056 is reported on the member). The accessors of a field-like event are
            // implicit too, but not ordinary: a task attribute on one is reported as before.
            if (member is not IMethodSymbol method || method is { IsImplicitlyDeclared: true, MethodKind: MethodKind.Ordinary }) continue;
            if (reader?.TryRead(method, cancellationToken) is { } syntaxTask)
            {
                if (method.Name.Length == 0) blocked = true;
                taskMethods.Add((method, null));
                syntaxTasks.Add(syntaxTask);
                continue;
            }
            var taskAttribute = known.Find(method, known.PipelineTaskAttribute);
            var callbacks = CallbackAttributes(method, known);
            if (taskAttribute is null)
            {
                ReportStraySettings(method, known, ReportWith);
                if (callbacks.Count > 0) callbackMethods.Add((method, callbacks));
                continue;
            }
            foreach (var (callback, _) in callbacks)
            {
                Report(DiagnosticDescriptors.TaskIsCallback, AttributeArguments.Of(callback, cancellationToken), method.Name, ShortName(callback.AttributeClass!));
            }
            if (method.Name.Length == 0) blocked = true;
            taskMethods.Add((method, taskAttribute));
            syntaxTasks.Add(null);
        }

        var tasks = ImmutableArray.CreateBuilder<TaskSpec>(taskMethods.Count);
        // A set, so checking each reference stays linear in tasks plus edges at thousands of tasks.
        var taskNames = new HashSet<string>(taskMethods.Select(t => t.Method.Name), StringComparer.Ordinal);
        // The first task of each name, so a typed input finds its upstream method without scanning every task.
        var tasksByName = new Dictionary<string, IMethodSymbol>(StringComparer.Ordinal);
        foreach (var (method, _) in taskMethods)
        {
            if (!tasksByName.ContainsKey(method.Name)) tasksByName.Add(method.Name, method);
        }
        // The parameters of tasks read from syntax with their inputs carry [FromTask] or nothing.
        var facts = new ParameterFacts(known);
        for (var t = 0; t < taskMethods.Count; t++)
        {
            if (syntaxTasks[t]?.Inputs is not null) facts.ReadFromSyntax(taskMethods[t].Method);
        }
        for (var t = 0; t < taskMethods.Count; t++)
        {
            var (method, attribute) = taskMethods[t];
            var task = ParseTask(method, attribute, syntaxTasks[t], facts, tasksByName, taskNames, id, settings.Calendar, known, ReportWith, ref blocked, cancellationToken, out var taskLocations);
            locations.Tasks.Add(taskLocations);
            tasks.Add(task);
        }

        var callbackSpecs = ImmutableArray.CreateBuilder<CallbackSpec>();
        foreach (var (method, attributes) in callbackMethods)
        {
            callbackSpecs.AddRange(CallbackParser.Parse(method, attributes, taskMethods, taskNames, id, known, ReportWith, ref blocked, cancellationToken));
        }

        var runParameters = ReadRunParameters(id, settings.Schedule is not null, settings.Parameters, pipelineAttribute, taskMethods, known, facts, ReportWith, ref blocked, cancellationToken);

        var constructorParameters = ImmutableArray<ConstructorParameterSpec>.Empty;
        if (!type.IsStatic && (tasks.Any(t => !t.IsStatic) || callbackSpecs.Any(c => !c.IsStatic)))
            constructorParameters = ReadConstructor(type, ReportWith, ref blocked);
        // An instance member of a static class is the compiler's error (CS0708); there is no instance to call it on.
        if (type.IsStatic && (tasks.Any(t => !t.IsStatic) || callbackSpecs.Any(c => !c.IsStatic))) blocked = true;

        var spec = new PipelineSpec(
            id,
            DescribeType(type),
            settings.Schedule,
            settings.TimeZone ?? PipelineDefaults.TimeZone,
            settings.Calendar,
            settings.StartDate,
            settings.Catchup,
            settings.PausedOnCreation,
            settings.MaxActiveRuns,
            settings.MaxActiveTasks,
            settings.Deadline,
            settings.Description,
            settings.Tags.ToEquatableArray(),
            tasks.ToImmutable().ToEquatableArray(),
            constructorParameters.ToEquatableArray(),
            callbackSpecs.ToImmutable().ToEquatableArray(),
            runParameters);

        return new ParseResult(spec, diagnostics.ToImmutable(), locations, blocked);
    }

    /// <summary>The callback attributes on a method, with the kind each marks.</summary>
    private static List<(AttributeData Attribute, PipelineCallbackKind Kind)> CallbackAttributes(IMethodSymbol method, KnownSymbols known)
    {
        List<(AttributeData, PipelineCallbackKind)>? found = null;
        foreach (var attribute in method.GetAttributes())
        {
            if (known.CallbackKind(attribute.AttributeClass) is { } kind) (found ??= new()).Add((attribute, kind));
        }
        // Most methods have none: one shared empty list, which no caller changes or keeps, instead of one per task.
        return found ?? s_noCallbacks;
    }

    private static readonly List<(AttributeData Attribute, PipelineCallbackKind Kind)> s_noCallbacks = new();

    /// <summary>A code fix's properties bag holding only <paramref name="key"/>, or none when there is no <paramref name="value"/>.</summary>
    internal static ImmutableDictionary<string, string?>? Properties(string key, string? value) =>
        value is null ? null : ImmutableDictionary<string, string?>.Empty.Add(key, value);
}
