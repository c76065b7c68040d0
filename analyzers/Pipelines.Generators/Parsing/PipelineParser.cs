using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;
using Pipelines.Calendars;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;
using Pipelines.Generators.Validation;
using Pipelines.Schedules;

namespace Pipelines.Generators.Parsing;

/// <summary>The result of reading one pipeline class.</summary>
internal sealed class ParseResult
{
    public ParseResult(PipelineSpec? spec, ImmutableArray<Diagnostic> diagnostics, PipelineLocations locations, bool blocked)
    {
        Spec = spec;
        Diagnostics = diagnostics;
        Locations = locations;
        Blocked = blocked;
    }

    /// <summary>The model; null when the class could not be read at all.</summary>
    public PipelineSpec? Spec { get; }

    /// <summary>Problems found while reading symbols (graph problems come from <see cref="PipelineValidator"/>).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public PipelineLocations Locations { get; }

    /// <summary>The code has compiler errors (unresolved types, non-constant arguments) that the compiler reports; generate nothing.</summary>
    public bool Blocked { get; }

    public bool HasErrors => Blocked || Spec is null || Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>Reports a diagnostic found while reading symbols, with the properties its code fix reads, if any.</summary>
internal delegate void DiagnosticReporter(DiagnosticDescriptor descriptor, Location location, object?[] arguments, ImmutableDictionary<string, string?>? properties = null);

/// <summary>Turns a <c>[Pipeline]</c> class symbol into a <see cref="PipelineSpec"/> and the diagnostics about its symbols.</summary>
internal static class PipelineParser
{
    /// <summary>
    /// Calendars the Pipelines.Calendars package registers by default. The analyzer cannot load that package, so the list
    /// is repeated here; <c>BuiltInCalendarTests</c> fails when it drifts from <c>ExchangeCalendar.Ids</c>.
    /// </summary>
    public static readonly ImmutableArray<string> BuiltInCalendars = ImmutableArray.Create("XNYS", "CMES", "SIFMA_US", "XTKS", "XLON", "XETR", "XPAR", "XAMS", "XSWX", "XHKG", "XASX", "XTSE", "IEPA");

    private static readonly Regex s_pipelineId = new("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);
    // The attributes' own property initializers are the defaults of settings a user leaves unset.
    private static readonly PipelineTaskAttribute s_taskDefaults = new();
    private static readonly SensorAttribute s_sensorDefaults = new();

    private static readonly Regex s_queue = new("^[a-z0-9_-]+$", RegexOptions.CultureInvariant);

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat s_typeOfFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    internal static readonly SymbolDisplayFormat s_messageFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static ParseResult Parse(INamedTypeSymbol type, AttributeData pipelineAttribute, KnownSymbols known, CancellationToken cancellationToken)
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

        // Pipeline settings.
        string? schedule = null, timeZone = null, calendar = null, description = null;
        DateSpec? startDate = null;
        var catchup = false;
        var pausedOnCreation = false;
        var maxActiveRuns = PipelineDefaults.MaxActiveRuns;
        var maxActiveTasks = 0;
        string? deadline = null;
        var tags = ImmutableArray<string>.Empty;
        ITypeSymbol? parametersType = null;
        foreach (var named in pipelineAttribute.NamedArguments)
        {
            if (named.Value.Kind == TypedConstantKind.Error) { blocked = true; continue; }
            switch (named.Key)
            {
                case nameof(PipelineAttribute.Schedule): schedule = named.Value.Value as string; break;
                case nameof(PipelineAttribute.TimeZone): timeZone = named.Value.Value as string; break;
                case nameof(PipelineAttribute.Calendar): calendar = named.Value.Value as string; break;
                case nameof(PipelineAttribute.Description): description = named.Value.Value as string; break;
                case nameof(PipelineAttribute.Catchup): catchup = named.Value.Value is true; break;
                case nameof(PipelineAttribute.PausedOnCreation): pausedOnCreation = named.Value.Value is true; break;
                case nameof(PipelineAttribute.MaxActiveRuns):
                    maxActiveRuns = named.Value.Value is int runs ? runs : maxActiveRuns;
                    if (maxActiveRuns < 1)
                        Report(DiagnosticDescriptors.SettingOutOfRange, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.MaxActiveRuns), cancellationToken),
                            nameof(PipelineAttribute.MaxActiveRuns), $"pipeline '{id}'", maxActiveRuns, "at least 1, since no run could ever start.");
                    break;
                case nameof(PipelineAttribute.MaxActiveTasks):
                    maxActiveTasks = named.Value.Value is int activeTasks ? activeTasks : 0;
                    if (maxActiveTasks < 0)
                        Report(DiagnosticDescriptors.SettingOutOfRange, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.MaxActiveTasks), cancellationToken),
                            nameof(PipelineAttribute.MaxActiveTasks), $"pipeline '{id}'", maxActiveTasks, "0 or more; 0 sets no limit.");
                    break;
                case nameof(PipelineAttribute.Deadline): deadline = named.Value.Value as string; break;
                case nameof(PipelineAttribute.Parameters): parametersType = named.Value.Value as ITypeSymbol; break;
                case nameof(PipelineAttribute.Tags):
                    if (!named.Value.IsNull && named.Value.Kind == TypedConstantKind.Array)
                        tags = named.Value.Values.Select(v => v.Value as string).Where(v => v is not null).Select(v => v!).ToImmutableArray();
                    break;
                case nameof(PipelineAttribute.StartDate):
                    var startText = named.Value.Value as string;
                    if (startText is null) break;
                    var parsed = LocalDatePattern.Iso.Parse(startText);
                    if (parsed.Success) startDate = new DateSpec(parsed.Value.Year, parsed.Value.Month, parsed.Value.Day);
                    else Report(DiagnosticDescriptors.InvalidStartDate, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.StartDate), cancellationToken), startText, id);
                    break;
            }
        }

        if (schedule is not null)
        {
            if (!ScheduleSyntax.TryParse(schedule, out _, out var session, out _, out var scheduleError))
                Report(AssetParser.IsAssetSchedule(schedule) ? DiagnosticDescriptors.InvalidAssetSchedule : DiagnosticDescriptors.InvalidSchedule,
                    AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.Schedule), cancellationToken), schedule, id, scheduleError);
            else if (session is not null && calendar is null)
                ReportWith(DiagnosticDescriptors.SessionScheduleWithoutCalendar, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.Schedule), cancellationToken), new object?[] { schedule, id },
                    Properties(DiagnosticProperties.Calendars, string.Join(DiagnosticProperties.CalendarSeparator.ToString(), KnownCalendars(known.Compilation))));
        }

        if (timeZone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone) is null)
        {
            var (hint, replacement) = TimeZoneHint(timeZone);
            ReportWith(DiagnosticDescriptors.UnknownTimeZone, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.TimeZone), cancellationToken), new object?[] { timeZone, id, hint },
                Properties(DiagnosticProperties.Suggestion, replacement));
        }

        if (calendar is not null) CheckCalendar(calendar, id, pipelineAttribute, known, Report, cancellationToken);
        if (deadline is not null)
            CheckDeadline(deadline, $"pipeline '{id}'", id, calendar, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.Deadline), cancellationToken), ReportWith);

        // Tasks, in declaration order.
        var taskMethods = new List<(IMethodSymbol Method, AttributeData Attribute)>();
        var callbackMethods = new List<(IMethodSymbol Method, List<(AttributeData Attribute, string Kind)> Attributes)>();
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol method) continue;
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
        }

        var tasks = ImmutableArray.CreateBuilder<TaskSpec>(taskMethods.Count);
        // A set, so checking each reference stays linear in tasks plus edges at thousands of tasks.
        var taskNames = new HashSet<string>(taskMethods.Select(t => t.Method.Name), StringComparer.Ordinal);
        foreach (var (method, attribute) in taskMethods)
        {
            var task = ParseTask(method, attribute, taskMethods, taskNames, id, calendar, known, ReportWith, ref blocked, cancellationToken, out var taskLocations);
            locations.Tasks.Add(taskLocations);
            tasks.Add(task);
        }

        var callbackSpecs = ImmutableArray.CreateBuilder<CallbackSpec>();
        foreach (var (method, attributes) in callbackMethods)
        {
            callbackSpecs.AddRange(CallbackParser.Parse(method, attributes, taskMethods, taskNames, id, known, ReportWith, ref blocked, cancellationToken));
        }

        var runParameters = ReadRunParameters(id, schedule is not null, parametersType, pipelineAttribute, taskMethods, known, ReportWith, ref blocked, cancellationToken);

        var constructorParameters = ImmutableArray<ConstructorParameterSpec>.Empty;
        if (!type.IsStatic && (tasks.Any(t => !t.IsStatic) || callbackSpecs.Any(c => !c.IsStatic)))
            constructorParameters = ReadConstructor(type, ReportWith, ref blocked);
        // An instance member of a static class is the compiler's error (CS0708); there is no instance to call it on.
        if (type.IsStatic && (tasks.Any(t => !t.IsStatic) || callbackSpecs.Any(c => !c.IsStatic))) blocked = true;

        var spec = new PipelineSpec(
            id,
            DescribeType(type),
            schedule,
            timeZone ?? PipelineDefaults.TimeZone,
            calendar,
            startDate,
            catchup,
            pausedOnCreation,
            maxActiveRuns,
            maxActiveTasks,
            deadline,
            description,
            tags.ToEquatableArray(),
            tasks.ToImmutable().ToEquatableArray(),
            constructorParameters.ToEquatableArray(),
            callbackSpecs.ToImmutable().ToEquatableArray(),
            runParameters);

        return new ParseResult(spec, diagnostics.ToImmutable(), locations, blocked);
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
        List<(IMethodSymbol Method, AttributeData Attribute)> taskMethods,
        KnownSymbols known,
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
                if (known.Find(parameter, known.RunParametersAttribute) is null || parameter.Type.TypeKind == TypeKind.Error) continue;
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

    /// <summary>
    /// A deadline is read with the runtime's own parser (<see cref="DeadlineSyntax"/>); one measured from a session needs
    /// the pipeline's calendar, as a session schedule does.
    /// </summary>
    private static void CheckDeadline(string deadline, string owner, string pipelineId, string? calendar, Location where, DiagnosticReporter report)
    {
        if (!DeadlineSyntax.TryParse(deadline, out var rule, out var error))
            report(DiagnosticDescriptors.InvalidDeadline, where, new object?[] { deadline, owner, error });
        else if (DeadlineSyntax.NeedsCalendar(rule) && calendar is null)
            report(DiagnosticDescriptors.SessionDeadlineWithoutCalendar, where, new object?[] { deadline, owner, pipelineId });
    }

    /// <summary>The callback attributes on a method, with the kind each marks.</summary>
    private static List<(AttributeData Attribute, string Kind)> CallbackAttributes(IMethodSymbol method, KnownSymbols known)
    {
        var found = new List<(AttributeData, string)>();
        foreach (var attribute in method.GetAttributes())
        {
            if (known.CallbackKind(attribute.AttributeClass) is { } kind) found.Add((attribute, kind));
        }
        return found;
    }

    /// <summary>
    /// A calendar is a known id or an expression of known ids (<c>XNYS &amp; CMES</c>), read with the runtime's parser.
    /// An unknown id inside an expression is reported on that id alone, so the squiggle shows which one to fix.
    /// </summary>
    private static void CheckCalendar(string calendar, string id, AttributeData attribute, KnownSymbols known, Action<DiagnosticDescriptor, Location, object?[]> report, CancellationToken cancellationToken)
    {
        var calendars = KnownCalendars(known.Compilation);
        // A declared id is taken whole, even one with characters the expression syntax gives a meaning to.
        if (calendars.Contains(calendar, StringComparer.Ordinal)) return;
        var location = AttributeArguments.Named(attribute, nameof(PipelineAttribute.Calendar), cancellationToken);
        if (!CalendarExpression.TryParse(calendar, out var expression, out var error))
        {
            report(DiagnosticDescriptors.InvalidCalendarExpression, location, new object?[] { calendar, id, error });
            return;
        }

        foreach (var name in expression!.Ids())
        {
            if (calendars.Contains(name.Name, StringComparer.Ordinal)) continue;
            var where = expression is CalendarExpression.Id ? location : AttributeArguments.InsideString(attribute, nameof(PipelineAttribute.Calendar), name.Start, name.Name.Length, cancellationToken);
            report(DiagnosticDescriptors.UnknownCalendar, where, new object?[] { name.Name, id, Suggestions.DidYouMean(name.Name, calendars), string.Join(", ", calendars) });
        }
    }

    /// <summary>The calendar ids a pipeline in this compilation may name: the built-in ones and those declared with [assembly: PipelineCalendar].</summary>
    public static ImmutableArray<string> KnownCalendars(Compilation compilation)
    {
        var ids = BuiltInCalendars.ToBuilder();
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == KnownSymbols.ApiNamespace + nameof(PipelineCalendarAttribute)
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string id
                && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }
        return ids.ToImmutable();
    }

    /// <summary>The sentence that helps, and the IANA id to write instead when there is one.</summary>
    private static (string Hint, string? Replacement) TimeZoneHint(string timeZone)
    {
        var windows = TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping;
        if (windows.TryGetValue(timeZone, out var fromWindows)) return ($" '{timeZone}' is a Windows id; the IANA id is '{fromWindows}'.", fromWindows);
        var closest = Suggestions.Closest(timeZone, DateTimeZoneProviders.Tzdb.Ids);
        return (Suggestions.DidYouMean(closest), closest);
    }

    /// <summary>A code fix's properties bag holding only <paramref name="key"/>, or none when there is no <paramref name="value"/>.</summary>
    internal static ImmutableDictionary<string, string?>? Properties(string key, string? value) =>
        value is null ? null : ImmutableDictionary<string, string?>.Empty.Add(key, value);

    private static void CheckClass(INamedTypeSymbol type, KnownSymbols known, DiagnosticReporter report, CancellationToken cancellationToken)
    {
        var location = type.Locations.FirstOrDefault() ?? Location.None;
        var name = type.Name;

        if (!IsPartial(type, cancellationToken))
        {
            report(DiagnosticDescriptors.InvalidPipelineClass, location,
                new object?[] { name, "is not partial", $"Add the partial modifier, as in 'public sealed partial class {name}', so the generator can add its definition." },
                Properties(DiagnosticProperties.Reason, DiagnosticProperties.NotPartial));
        }

        if (type.IsGenericType)
        {
            report(DiagnosticDescriptors.InvalidPipelineClass, location,
                new object?[] { name, "is generic", "A pipeline is one fixed graph; remove the type parameters." });
        }

        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (!IsPartial(container, cancellationToken))
            {
                report(DiagnosticDescriptors.InvalidPipelineClass, location,
                    new object?[] { name, $"is nested in '{container.Name}', which is not partial", $"Mark '{container.Name}' partial too, or move the pipeline out of it." },
                    Properties(DiagnosticProperties.Reason, DiagnosticProperties.NotPartial));
            }
            if (container.IsGenericType)
            {
                report(DiagnosticDescriptors.InvalidPipelineClass, location,
                    new object?[] { name, $"is nested in the generic type '{container.Name}'", "Move the pipeline to a non-generic type." });
            }
        }

        for (ISymbol? current = type; current is INamedTypeSymbol named; current = named.ContainingType)
        {
            var accessibility = named.DeclaredAccessibility;
            if (accessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                var which = ReferenceEquals(named, type) ? "is" : $"is inside '{named.Name}', which is";
                report(DiagnosticDescriptors.InvalidPipelineClass, location,
                    new object?[] { name, $"{which} {accessibility.ToString().ToLowerInvariant()}, so the generated pipeline registry cannot reach it", "Make it internal or public." });
                break;
            }
        }

        CheckReservedNames(type, report);

        if (type.IsAbstract && !type.IsStatic)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol { IsStatic: false } method
                    && (known.Find(method, known.PipelineTaskAttribute) is not null || CallbackAttributes(method, known).Count > 0))
                {
                    report(DiagnosticDescriptors.InvalidPipelineClass, location,
                        new object?[] { name, "is abstract but has instance tasks or callbacks", "Remove 'abstract' so the pipeline can create the class, or make its tasks and callbacks static." });
                    break;
                }
            }
        }
    }

    private static bool HasMissingName(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.Name.Length == 0) return true;
        }
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            if (ns.Name.Length == 0) return true;
        }
        return false;
    }

    /// <summary>The members the generator adds to every pipeline class; a member of the user's with the same name collides.</summary>
    internal static readonly ImmutableArray<string> GeneratedMemberNames = ImmutableArray.Create("Definition", "__PipelineDefinition");

    private static void CheckReservedNames(INamedTypeSymbol type, DiagnosticReporter report)
    {
        if (GeneratedMemberNames.Contains(type.Name))
        {
            report(DiagnosticDescriptors.InvalidPipelineClass, type.Locations.FirstOrDefault() ?? Location.None,
                new object?[] { type.Name, $"is named '{type.Name}', like the member the generator adds to it", "Rename the class." });
            return;
        }
        foreach (var name in GeneratedMemberNames)
        {
            foreach (var member in type.GetMembers(name))
            {
                // The analyzer sees the compilation with the generated code in it: our own member is no collision.
                if (member.IsImplicitlyDeclared || member.DeclaringSyntaxReferences.All(r => IsGenerated(r.SyntaxTree))) continue;
                report(DiagnosticDescriptors.InvalidPipelineClass, member.Locations.FirstOrDefault() ?? Location.None,
                    new object?[] { type.Name, $"declares '{name}', a name the generator gives to a member it adds to every pipeline class", $"Rename '{name}'." });
            }
        }
    }

    /// <summary>Whether a tree is one of our <c>*.Pipeline.g.cs</c> files (their path ends with the hint name).</summary>
    private static bool IsGenerated(SyntaxTree tree) => tree.FilePath.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal);

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }
        return false;
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

    private static TaskSpec ParseTask(
        IMethodSymbol method,
        AttributeData attribute,
        List<(IMethodSymbol Method, AttributeData Attribute)> allTasks,
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
        var taskLabel = $"task '{id}'";

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
        OutputTypeSpec? output = outputSymbol is null ? null : new OutputTypeSpec(SourceName(outputSymbol, s_typeFormat), TypeOfName(outputSymbol));

        // Kind.
        var condition = known.Find(method, known.ConditionAttribute);
        var branch = known.Find(method, known.BranchAttribute);
        var sensor = known.Find(method, known.SensorAttribute);
        var kinds = (condition is null ? 0 : 1) + (branch is null ? 0 : 1) + (sensor is null ? 0 : 1);
        var kind = sensor is not null ? TaskKind.Sensor : branch is not null ? TaskKind.Branch : condition is not null ? TaskKind.Condition : TaskKind.Task;
        var branchReturn = BranchReturn.None;
        var returnText = method.ReturnType.ToDisplayString(s_messageFormat);
        if (kinds > 1)
        {
            report(DiagnosticDescriptors.InvalidTaskKindReturn, methodLocation,
                new object?[] { "Task", id, returnText, "a task can be only one of [Condition], [Branch] and [Sensor]; keep one of them." });
        }
        else if ((kind == TaskKind.Condition || kind == TaskKind.Sensor) && outputSymbol?.SpecialType != SpecialType.System_Boolean && !blocked)
        {
            var what = kind == TaskKind.Condition ? "Condition" : "Sensor";
            var rule = kind == TaskKind.Condition
                ? "a condition returns bool (or Task<bool>/ValueTask<bool>): false skips everything downstream."
                : "a sensor returns bool (or Task<bool>/ValueTask<bool>): true when what it waits for has happened.";
            report(DiagnosticDescriptors.InvalidTaskKindReturn, methodLocation, new object?[] { what, id, returnText, rule });
        }
        else if (kind == TaskKind.Branch)
        {
            branchReturn = BranchShape(outputSymbol, known);
            if (branchReturn == BranchReturn.None && !blocked)
            {
                report(DiagnosticDescriptors.InvalidTaskKindReturn, methodLocation,
                    new object?[] { "Branch", id, returnText, "a branch returns the id of the task to follow (string) or several ids (IEnumerable<string>), optionally wrapped in Task<T>/ValueTask<T>." });
            }
        }

        // Parameters.
        var parameters = ImmutableArray.CreateBuilder<ParameterSpec>();
        foreach (var parameter in method.Parameters)
        {
            if (ContainsError(parameter.Type)) blocked = true;
            var fromTask = known.Find(parameter, known.FromTaskAttribute);
            var typeName = SourceName(parameter.Type, s_typeFormat);
            var typeOf = TypeOfName(parameter.Type);
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
                CheckInputType(id, parameter, fromId, argumentLocation, allTasks, known, report);
                continue;
            }

            locations.Parameters.Add(null);
            if (known.Find(parameter, known.RunParametersAttribute) is not null)
                parameters.Add(new ParameterSpec(parameter.Name, ParameterSource.RunParameters, typeName, typeOf, null));
            else if (KnownSymbols.Is(parameter.Type, known.RunContext))
                parameters.Add(new ParameterSpec(parameter.Name, ParameterSource.RunContext, typeName, typeOf, null));
            else if (KnownSymbols.Is(parameter.Type, known.CancellationToken))
                parameters.Add(new ParameterSpec(parameter.Name, ParameterSource.CancellationToken, typeName, typeOf, null));
            else if (parameter.Type.TypeKind != TypeKind.Error && parameter.RefKind == RefKind.None)
                report(DiagnosticDescriptors.UnsupportedParameter, parameter.Locations.FirstOrDefault() ?? methodLocation, new object?[] { parameter.Name, id });
        }

        // Explicit dependencies.
        var dependsOn = ImmutableArray.CreateBuilder<string>();
        foreach (var dependsAttribute in method.GetAttributes())
        {
            if (!KnownSymbols.Is(dependsAttribute.AttributeClass, known.DependsOnAttribute)) continue;
            if (dependsAttribute.ConstructorArguments.Length != 1 || dependsAttribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                blocked = true;
                continue;
            }
            if (dependsAttribute.ConstructorArguments[0].IsNull)
            {
                // [DependsOn(null)] passes a null array, not a null id.
                report(DiagnosticDescriptors.NullTaskId, AttributeArguments.Positional(dependsAttribute, 0, cancellationToken), new object?[] { $"[DependsOn] of task '{id}'" });
                continue;
            }
            var values = dependsAttribute.ConstructorArguments[0].Values;
            var elementLocations = AttributeArguments.ParamsElements(dependsAttribute, 0, values.Length, cancellationToken);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i].Kind == TypedConstantKind.Error)
                {
                    blocked = true;
                    continue;
                }
                if (values[i].Value is not string dependency)
                {
                    report(DiagnosticDescriptors.NullTaskId, elementLocations[i], new object?[] { $"[DependsOn] of task '{id}'" });
                    continue;
                }
                dependsOn.Add(dependency);
                SuggestNameOf(dependency, id, elementLocations[i], taskNames, report, cancellationToken);
                locations.DependsOn.Add(elementLocations[i]);
            }
        }

        // Task settings: unset ones keep the attribute's own defaults.
        var retries = 0;
        long retryDelay = PipelineDefaults.RetryDelay.Ticks;
        var backoff = false;
        long? maxRetryDelay = null, timeout = null;
        var trigger = s_taskDefaults.Trigger;
        var queue = PipelineDefaults.Queue;
        var priority = s_taskDefaults.PriorityWeight;
        string? pool = null, deadline = null;
        var poolSlots = s_taskDefaults.PoolSlots;
        var maxActiveTries = 0;
        bool dependsOnPast = false, waitForDownstream = false;
        var weightRule = s_taskDefaults.WeightRule;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Value.Kind == TypedConstantKind.Error) { blocked = true; continue; }
            var where = AttributeArguments.Named(attribute, named.Key, cancellationToken);
            switch (named.Key)
            {
                case nameof(PipelineTaskAttribute.Retries):
                    retries = named.Value.Value is int r ? r : 0;
                    if (retries < 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, retries, "0 or more." });
                    break;
                case nameof(PipelineTaskAttribute.RetryDelay):
                    if (ReadDuration(named.Value, named.Key, taskLabel, where, report) is { } delay)
                    {
                        retryDelay = delay;
                        if (delay < 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, named.Value.Value, "zero or more." });
                    }
                    break;
                case nameof(PipelineTaskAttribute.RetryExponentialBackoff):
                    backoff = named.Value.Value is true;
                    break;
                case nameof(PipelineTaskAttribute.MaxRetryDelay):
                    maxRetryDelay = ReadDuration(named.Value, named.Key, taskLabel, where, report);
                    if (maxRetryDelay <= 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, named.Value.Value, "more than zero." });
                    break;
                case nameof(PipelineTaskAttribute.Timeout):
                    timeout = ReadDuration(named.Value, named.Key, taskLabel, where, report);
                    if (timeout <= 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, named.Value.Value, "more than zero; leave it unset for no time limit." });
                    break;
                case nameof(PipelineTaskAttribute.Trigger):
                    // An enum argument arrives as its underlying int; a cast such as (TriggerRule)99 names no member.
                    var triggerValue = named.Value.Value is int t ? t : 0;
                    trigger = (TriggerRule)triggerValue;
                    if (!IsDefined(trigger))
                        report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, triggerValue, $"one of the {nameof(TriggerRule)} values, such as {nameof(TriggerRule)}.{nameof(TriggerRule.AllSuccess)}." });
                    break;
                case nameof(PipelineTaskAttribute.Queue):
                    queue = named.Value.Value as string ?? PipelineDefaults.Queue;
                    if (!s_queue.IsMatch(queue)) report(DiagnosticDescriptors.InvalidQueueName, where, new object?[] { queue, id });
                    break;
                case nameof(PipelineTaskAttribute.PriorityWeight):
                    priority = named.Value.Value is int p ? p : s_taskDefaults.PriorityWeight;
                    if (priority < 1) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, priority, "at least 1; raise it above the others' to go first." });
                    break;
                case nameof(PipelineTaskAttribute.WeightRule):
                    if (named.Value.Value is int w && IsDefined((PriorityWeightRule)w)) weightRule = (PriorityWeightRule)w;
                    else report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, named.Value.Value, $"one of the {nameof(PriorityWeightRule)} values, such as {nameof(PriorityWeightRule)}.{nameof(PriorityWeightRule.Downstream)}." });
                    break;
                case nameof(PipelineTaskAttribute.Pool):
                    pool = named.Value.Value as string;
                    break;
                case nameof(PipelineTaskAttribute.PoolSlots):
                    poolSlots = named.Value.Value is int slots ? slots : s_taskDefaults.PoolSlots;
                    if (poolSlots < 1) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, poolSlots, "at least 1." });
                    break;
                case nameof(PipelineTaskAttribute.MaxActiveTries):
                    maxActiveTries = named.Value.Value is int tries ? tries : 0;
                    if (maxActiveTries < 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, taskLabel, maxActiveTries, "0 or more; 0 sets no limit." });
                    break;
                case nameof(PipelineTaskAttribute.DependsOnPast):
                    dependsOnPast = named.Value.Value is true;
                    break;
                case nameof(PipelineTaskAttribute.WaitForDownstream):
                    waitForDownstream = named.Value.Value is true;
                    break;
                case nameof(PipelineTaskAttribute.Deadline):
                    deadline = named.Value.Value as string;
                    if (deadline is not null) CheckDeadline(deadline, taskLabel, pipelineId, calendar, where, report);
                    break;
            }
        }
        if (pool is not null) CheckPool(id, pool, poolSlots, attribute, known, report, cancellationToken);
        if (maxRetryDelay is { } max && max > 0 && max < retryDelay && retryDelay >= 0)
        {
            report(DiagnosticDescriptors.SettingOutOfRange, AttributeArguments.Named(attribute, nameof(PipelineTaskAttribute.MaxRetryDelay), cancellationToken),
                new object?[] { nameof(PipelineTaskAttribute.MaxRetryDelay), taskLabel, TimeSpan.FromTicks(max).ToString("c", CultureInfo.InvariantCulture), $"at least {nameof(PipelineTaskAttribute.RetryDelay)} ({TimeSpan.FromTicks(retryDelay).ToString("c", CultureInfo.InvariantCulture)})." });
        }

        // Branch targets.
        var branchTargets = ImmutableArray.CreateBuilder<string>();
        if (branch is not null)
        {
            // [Branch(null)] passes a null array: a branch without targets, which the validator reports (PIPE016).
            if (branch.ConstructorArguments.Length == 1 && branch.ConstructorArguments[0] is { Kind: TypedConstantKind.Array, IsNull: true }) { }
            else if (branch.ConstructorArguments.Length == 1 && branch.ConstructorArguments[0] is { Kind: TypedConstantKind.Array })
            {
                var values = branch.ConstructorArguments[0].Values;
                var targetLocations = AttributeArguments.ParamsElements(branch, 0, values.Length, cancellationToken);
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i].Value is string target)
                    {
                        branchTargets.Add(target);
                        SuggestNameOf(target, id, targetLocations[i], taskNames, report, cancellationToken);
                        locations.BranchTargets.Add(targetLocations[i]);
                    }
                    else if (values[i].Kind == TypedConstantKind.Error) blocked = true;
                    else report(DiagnosticDescriptors.NullTaskId, targetLocations[i], new object?[] { $"[Branch] of task '{id}'" });
                }
            }
            else blocked = true;
        }

        // Sensor settings.
        SensorSpec? sensorSpec = null;
        if (sensor is not null)
        {
            long poke = PipelineDefaults.PokeInterval.Ticks, sensorTimeout = PipelineDefaults.SensorTimeout.Ticks;
            var softFail = false;
            var mode = s_sensorDefaults.Mode;
            var sensorLabel = $"sensor '{id}'";
            foreach (var named in sensor.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error) { blocked = true; continue; }
                var where = AttributeArguments.Named(sensor, named.Key, cancellationToken);
                switch (named.Key)
                {
                    case nameof(SensorAttribute.PokeInterval):
                        if (ReadDuration(named.Value, named.Key, sensorLabel, where, report) is { } pokeTicks)
                        {
                            poke = pokeTicks;
                            if (poke <= 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, sensorLabel, named.Value.Value, "more than zero." });
                        }
                        break;
                    case nameof(SensorAttribute.Timeout):
                        if (ReadDuration(named.Value, named.Key, sensorLabel, where, report) is { } timeoutTicks)
                        {
                            sensorTimeout = timeoutTicks;
                            if (sensorTimeout <= 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, sensorLabel, named.Value.Value, "more than zero." });
                        }
                        break;
                    case nameof(SensorAttribute.SoftFail): softFail = named.Value.Value is true; break;
                    // A value no member has (a cast such as (SensorMode)5) keeps the default.
                    case nameof(SensorAttribute.Mode): mode = named.Value.Value is int m && IsDefined((SensorMode)m) ? (SensorMode)m : s_sensorDefaults.Mode; break;
                }
            }
            sensorSpec = new SensorSpec(poke, sensorTimeout, softFail, mode);
        }

        return new TaskSpec(
            id,
            method.IsStatic,
            shape,
            output,
            kind,
            branchReturn,
            dependsOn.ToImmutable().ToEquatableArray(),
            parameters.ToImmutable().ToEquatableArray(),
            retries,
            retryDelay,
            backoff,
            maxRetryDelay,
            timeout,
            trigger,
            queue,
            priority,
            branchTargets.ToImmutable().ToEquatableArray(),
            sensorSpec,
            // Airflow forces depends_on_past on with wait_for_downstream; the definition says so, so no reader has to.
            new TaskControlsSpec(pool, poolSlots, maxActiveTries, dependsOnPast || waitForDownstream, waitForDownstream, weightRule, deadline))
        {
            Produces = AssetParser.ReadProduces(method, known, report, ref blocked, cancellationToken),
        };
    }

    /// <summary>
    /// A task id written as a string literal that names a task of this class works, but a rename of the task breaks it
    /// silently: suggest <c>nameof</c>. An unknown id (PIPE002 and friends) or the task itself (PIPE003) has its own fix.
    /// </summary>
    internal static void SuggestNameOf(string taskId, string ownerId, Location where, HashSet<string> taskNames, DiagnosticReporter report, CancellationToken cancellationToken)
    {
        if (taskId == ownerId || !taskNames.Contains(taskId)) return;
        if (where.SourceTree is not { } tree) return;
        if (tree.GetRoot(cancellationToken).FindNode(where.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            return;
        }
        // Spelt as the fix writes it: only a reserved keyword needs the @ inside nameof.
        var name = SyntaxFacts.GetKeywordKind(taskId) != SyntaxKind.None ? "@" + taskId : taskId;
        report(DiagnosticDescriptors.TaskIdAsString, where, new object?[] { taskId, name });
    }

    /// <summary>A pool must be declared by this assembly or a referenced one, and have at least the slots the task takes.</summary>
    private static void CheckPool(string taskId, string pool, int slots, AttributeData attribute, KnownSymbols known, DiagnosticReporter report, CancellationToken cancellationToken)
    {
        var declared = known.Pools;
        if (declared.Find(pool) is { } found)
        {
            if (slots > found.Slots)
                report(DiagnosticDescriptors.PoolSlotsExceedPool, AttributeArguments.Named(attribute, nameof(PipelineTaskAttribute.PoolSlots), cancellationToken), new object?[] { taskId, slots, pool, found.Slots });
            return;
        }
        var names = declared.Known.Select(p => p.Name).ToList();
        var closest = Suggestions.Closest(pool, names);
        report(DiagnosticDescriptors.UnknownPool, AttributeArguments.Named(attribute, nameof(PipelineTaskAttribute.Pool), cancellationToken),
            new object?[] { pool, taskId, Suggestions.DidYouMean(closest), names.Count == 0 ? "none yet" : string.Join(", ", names) },
            Properties(DiagnosticProperties.Suggestion, closest));
    }

    /// <summary>Whether a value read from an attribute argument names a member of the API's enum.</summary>
    private static bool IsDefined<TEnum>(TEnum value) where TEnum : struct, Enum => Enum.IsDefined(typeof(TEnum), value);

    private static void CheckInputType(
        string taskId,
        IParameterSymbol parameter,
        string fromId,
        Location argumentLocation,
        List<(IMethodSymbol Method, AttributeData Attribute)> allTasks,
        KnownSymbols known,
        DiagnosticReporter report)
    {
        IMethodSymbol? upstream = null;
        foreach (var (method, _) in allTasks)
        {
            if (method.Name == fromId)
            {
                upstream = method;
                break;
            }
        }
        if (upstream is null || upstream.Name == taskId) return; // unknown or self: the validator reports those with the graph.

        var (_, upstreamOutput) = Unwrap(upstream.ReturnType, known);
        if (upstreamOutput is null)
        {
            report(DiagnosticDescriptors.InputFromTaskWithoutResult, argumentLocation, new object?[] { parameter.Name, taskId, fromId });
            return;
        }
        if (upstreamOutput.TypeKind == TypeKind.Error || parameter.Type.TypeKind == TypeKind.Error) return;

        var conversion = known.Compilation.ClassifyConversion(upstreamOutput, parameter.Type);
        var accepted = conversion.IsIdentity
            || (conversion.IsImplicit && (conversion.IsReference || conversion.IsNullable || conversion.IsNumeric));
        if (!accepted)
        {
            report(DiagnosticDescriptors.InputTypeMismatch, argumentLocation, new object?[]
            {
                parameter.Name, taskId, parameter.Type.ToDisplayString(s_messageFormat), fromId, upstreamOutput.ToDisplayString(s_messageFormat),
            }, Properties(DiagnosticProperties.ExpectedType, upstreamOutput.ToDisplayString(s_typeFormat)));
        }
    }

    private static long? ReadDuration(TypedConstant value, string setting, string owner, Location where, DiagnosticReporter report)
    {
        if (value.Value is not string text) return null;
        // A bare number such as "5" parses as five days: require hh:mm so nobody gets days when they meant minutes.
        if (text.IndexOf(':') >= 0 && TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var span)) return span.Ticks;
        report(DiagnosticDescriptors.InvalidDuration, where, new object?[] { setting, text, owner });
        return null;
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

    private static ImmutableArray<ConstructorParameterSpec> ReadConstructor(INamedTypeSymbol type, DiagnosticReporter report, ref bool blocked)
    {
        IMethodSymbol? chosen = null;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.IsStatic) continue;
            if (chosen is null || constructor.Parameters.Length > chosen.Parameters.Length) chosen = constructor;
        }
        if (chosen is null) return ImmutableArray<ConstructorParameterSpec>.Empty;

        var parameters = ImmutableArray.CreateBuilder<ConstructorParameterSpec>(chosen.Parameters.Length);
        foreach (var parameter in chosen.Parameters)
        {
            if (ContainsError(parameter.Type)) blocked = true;
            else if (parameter.RefKind is RefKind.Ref or RefKind.Out)
                report(DiagnosticDescriptors.InvalidPipelineClass, parameter.Locations.FirstOrDefault() ?? Location.None, new object?[]
                {
                    type.Name, $"has a constructor that takes '{parameter.Name}' by {RefKindText(parameter.RefKind)}, which the pipeline cannot pass from the service provider", "Take services by value.",
                });
            else if (Unstorable(parameter.Type) is { } why)
                report(DiagnosticDescriptors.InvalidPipelineClass, parameter.Locations.FirstOrDefault() ?? Location.None, new object?[]
                {
                    type.Name, $"has a constructor that takes '{parameter.Name}' as '{parameter.Type.ToDisplayString(s_messageFormat)}', which {why}", "Take services as types the service provider can resolve.",
                });
            var optional = parameter.HasExplicitDefaultValue || parameter.NullableAnnotation == NullableAnnotation.Annotated;
            parameters.Add(new ConstructorParameterSpec(TypeOfName(parameter.Type), optional));
        }
        return parameters.ToImmutable();
    }

    private static TypeSpec DescribeType(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : "";
        var containers = new List<string>();
        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            containers.Insert(0, $"{(container.IsStatic ? "static " : "")}partial {Keyword(container)} {Emission.CSharpIdentifier.Escape(container.Name)}");
        }
        return new TypeSpec(ns, type.Name, TypeOfName(type), containers.ToEquatableArray(), type.IsStatic, Keyword(type));
    }

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    /// <summary>
    /// Whether an unresolved type hides anywhere in <paramref name="type"/>: under <c>?</c> (<c>Prices?</c> binds to
    /// <c>Nullable&lt;Prices&gt;</c>), in a type argument, an array or a pointer. The compiler reports it; generate nothing.
    /// </summary>
    internal static bool ContainsError(ITypeSymbol type)
    {
        var pending = new Stack<ITypeSymbol>();
        pending.Push(type);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            switch (current)
            {
                case { TypeKind: TypeKind.Error }: return true;
                case IArrayTypeSymbol array: pending.Push(array.ElementType); break;
                case IPointerTypeSymbol pointer: pending.Push(pointer.PointedAtType); break;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments) pending.Push(argument);
                    if (named.ContainingType is { } outer) pending.Push(outer);
                    break;
            }
        }
        return false;
    }

    /// <summary>
    /// Why a value of <paramref name="type"/> cannot pass through the generated code (a type argument and a
    /// <c>typeof</c>), or null when it can.
    /// </summary>
    internal static string? Unstorable(ITypeSymbol type)
    {
        var pending = new Stack<ITypeSymbol>();
        pending.Push(type);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            switch (current)
            {
                case { TypeKind: TypeKind.Dynamic }: return "is dynamic, so the generated code cannot name its type";
                case IPointerTypeSymbol or IFunctionPointerTypeSymbol: return "is a pointer, which cannot be a type argument";
                case { IsRefLikeType: true }: return "is a ref struct, which cannot be boxed or be a type argument";
                case IArrayTypeSymbol array: pending.Push(array.ElementType); break;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments) pending.Push(argument);
                    break;
            }
        }
        return null;
    }

    /// <summary>
    /// The type as generated code spells it. The display format escapes keywords (<c>@class</c>) but not contextual
    /// ones, and a namespace or type named <c>await</c> must be <c>@await</c> inside the generated async methods.
    /// </summary>
    internal static string SourceName(ITypeSymbol type, SymbolDisplayFormat format)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var part in type.ToDisplayParts(format))
        {
            var text = part.ToString();
            var isName = part.Kind is SymbolDisplayPartKind.NamespaceName or SymbolDisplayPartKind.ClassName or SymbolDisplayPartKind.StructName
                or SymbolDisplayPartKind.InterfaceName or SymbolDisplayPartKind.EnumName or SymbolDisplayPartKind.DelegateName
                or SymbolDisplayPartKind.RecordClassName or SymbolDisplayPartKind.RecordStructName or SymbolDisplayPartKind.ErrorTypeName;
            builder.Append(isName ? Emission.CSharpIdentifier.Escape(text) : text);
        }
        return builder.ToString();
    }

    internal static string TypeOfName(ITypeSymbol type)
    {
        // typeof() and generic arguments cannot carry nullable reference annotations.
        var withoutAnnotations = type.WithNullableAnnotation(NullableAnnotation.None);
        return SourceName(withoutAnnotations, s_typeOfFormat);
    }

    internal static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
