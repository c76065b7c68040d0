using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Pipelines.Generators.Parsing;
using Pipelines.Generators.Validation;

namespace Pipelines.Generators;

/// <summary>
/// Reports every PIPExxx diagnostic, live while typing: one symbol action per pipeline class runs the same parser and
/// validator the generator uses, and places each diagnostic on the attribute argument or parameter to edit.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PipelineAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.DependencyCycle,
        DiagnosticDescriptors.UnknownDependency,
        DiagnosticDescriptors.SelfDependency,
        DiagnosticDescriptors.DuplicateTaskId,
        DiagnosticDescriptors.DuplicatePipelineId,
        DiagnosticDescriptors.InvalidPipelineClass,
        DiagnosticDescriptors.InvalidTaskMethod,
        DiagnosticDescriptors.UnknownInputTask,
        DiagnosticDescriptors.InputTypeMismatch,
        DiagnosticDescriptors.InputFromTaskWithoutResult,
        DiagnosticDescriptors.InputFromMappedTask,
        DiagnosticDescriptors.MapElementTypeMismatch,
        DiagnosticDescriptors.MapOverNonCollection,
        DiagnosticDescriptors.NestedMapping,
        DiagnosticDescriptors.SeveralMapOverParameters,
        DiagnosticDescriptors.InvalidMapping,
        DiagnosticDescriptors.InvalidSchedule,
        DiagnosticDescriptors.UnknownTimeZone,
        DiagnosticDescriptors.UnknownCalendar,
        DiagnosticDescriptors.InvalidCalendarExpression,
        DiagnosticDescriptors.InvalidDuration,
        DiagnosticDescriptors.SettingOutOfRange,
        DiagnosticDescriptors.InvalidBranchTarget,
        DiagnosticDescriptors.EmptyPipeline,
        DiagnosticDescriptors.InvalidStartDate,
        DiagnosticDescriptors.InvalidTaskKindReturn,
        DiagnosticDescriptors.UnsupportedParameter,
        DiagnosticDescriptors.TaskOutsidePipeline,
        DiagnosticDescriptors.TaskInExtensionBlock,
        DiagnosticDescriptors.TaskAttributeWithoutPipelineTask,
        DiagnosticDescriptors.InvalidPipelineId,
        DiagnosticDescriptors.InvalidQueueName,
        DiagnosticDescriptors.SessionScheduleWithoutCalendar,
        DiagnosticDescriptors.UnknownPool,
        DiagnosticDescriptors.PoolSlotsExceedPool,
        DiagnosticDescriptors.InvalidPoolDeclaration,
        DiagnosticDescriptors.InvalidDeadline,
        DiagnosticDescriptors.SessionDeadlineWithoutCalendar,
        DiagnosticDescriptors.InvalidCallbackMethod,
        DiagnosticDescriptors.UnknownCallbackTask,
        DiagnosticDescriptors.TaskIsCallback,
        DiagnosticDescriptors.InvalidAssetSchedule,
        DiagnosticDescriptors.InvalidAssetName,
        DiagnosticDescriptors.UnknownAsset,
        DiagnosticDescriptors.AssetCycle,
        DiagnosticDescriptors.UnknownAssetInClosedPipeline,
        DiagnosticDescriptors.ClosedAssetsWithoutAssets,
        DiagnosticDescriptors.NullTaskId,
        DiagnosticDescriptors.TaskIdAsString,
        DiagnosticDescriptors.UnsupportedRunParameterType,
        DiagnosticDescriptors.RunParametersTypeMismatch,
        DiagnosticDescriptors.RequiredRunParameterOnSchedule,
        DiagnosticDescriptors.InvalidRunParametersType);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = KnownSymbols.Create(start.Compilation);
            if (known.PipelineAttribute is null || known.PipelineTaskAttribute is null) return;

            var pipelineIds = new ConcurrentBag<(string Id, INamedTypeSymbol Type, Location Location)>();
            var assetUses = new ConcurrentBag<AssetUse>();
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, known, pipelineIds, assetUses), SymbolKind.NamedType);
            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, known), SymbolKind.Method);
            start.RegisterCompilationEndAction(end => ReportDuplicateIds(end, pipelineIds));
            start.RegisterCompilationEndAction(end => ReportAssets(end, known, assetUses));
            // Pool declarations are assembly attributes: each file's are reported with that file, so they show while typing.
            start.RegisterSemanticModelAction(model => ReportPoolDeclarations(model, known));
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known, ConcurrentBag<(string, INamedTypeSymbol, Location)> pipelineIds, ConcurrentBag<AssetUse> assetUses)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = known.Find(type, known.PipelineAttribute);
        if (attribute is null) return;

        var parsed = PipelineParser.Parse(type, attribute, known, context.CancellationToken);
        foreach (var diagnostic in parsed.Diagnostics) context.ReportDiagnostic(diagnostic);
        if (parsed.Spec is null) return;

        pipelineIds.Add((parsed.Spec.Id, type, AttributeArguments.Positional(attribute, 0, context.CancellationToken)));
        // ClosedAssets only matters to these checks, so it is read here and never enters the generator's model.
        var closed = attribute.NamedArguments.Any(n => n.Key == "ClosedAssets" && n.Value.Value is true);
        if (closed && (parsed.Spec.Schedule is not { } schedule || !AssetParser.IsAssetSchedule(schedule)))
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ClosedAssetsWithoutAssets, AttributeArguments.Named(attribute, "ClosedAssets", context.CancellationToken), parsed.Spec.Id));
        assetUses.Add(new AssetUse(
            parsed.Spec.Id,
            parsed.Spec.Tasks.SelectMany(t => t.Produces).Distinct(StringComparer.Ordinal).ToList(),
            AssetParser.ReadConsumed(attribute, parsed.Spec.Schedule, context.CancellationToken),
            closed));

        var validation = PipelineValidator.Validate(parsed.Spec);
        foreach (var diagnostic in validation.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic(parsed.Locations));
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownSymbols known)
    {
        var method = (IMethodSymbol)context.Symbol;
        var containing = method.ContainingType;
        var extensionOf = ExtensionBlocks.IsExtensionBlock(containing) ? containing!.ContainingType : null;
        if (containing is null || extensionOf is null && known.Find(containing, known.PipelineAttribute) is not null) return;

        foreach (var attribute in method.GetAttributes())
        {
            var cls = attribute.AttributeClass;
            if (KnownSymbols.Is(cls, known.PipelineTaskAttribute) || KnownSymbols.Is(cls, known.DependsOnAttribute)
                || KnownSymbols.Is(cls, known.ConditionAttribute) || KnownSymbols.Is(cls, known.BranchAttribute)
                || KnownSymbols.Is(cls, known.SensorAttribute) || known.CallbackKind(cls) is not null)
            {
                var location = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation()
                    ?? method.Locations.FirstOrDefault() ?? Location.None;
                context.ReportDiagnostic(extensionOf is not null
                    ? Diagnostic.Create(DiagnosticDescriptors.TaskInExtensionBlock, location, method.Name, PipelineParser.ShortName(cls!), extensionOf.Name)
                    : Diagnostic.Create(DiagnosticDescriptors.TaskOutsidePipeline, location, method.Name, PipelineParser.ShortName(cls!), containing.Name));
                return;
            }
        }
    }

    private static void ReportPoolDeclarations(SemanticModelAnalysisContext context, KnownSymbols known)
    {
        foreach (var diagnostic in known.Pools.Diagnostics)
        {
            if (diagnostic.Location.SourceTree == context.SemanticModel.SyntaxTree) context.ReportDiagnostic(diagnostic);
        }
    }

    /// <summary>
    /// The checks across pipelines: a consumed asset nothing in this assembly or its references produces (PIPE052, or PIPE054 when the pipeline declares its
    /// assets closed), pipelines that start each other through
    /// assets (PIPE053), and malformed external asset names (PIPE051). A pipeline id claimed twice counts once (PIPE005).
    /// </summary>
    private static void ReportAssets(CompilationAnalysisContext context, KnownSymbols known, ConcurrentBag<AssetUse> uses)
    {
        var diagnostics = new List<Diagnostic>();
        var external = AssetParser.ReadExternal(context.Compilation, known, diagnostics, context.CancellationToken);
        foreach (var diagnostic in diagnostics) context.ReportDiagnostic(diagnostic);

        var ordered = uses.GroupBy(u => u.Id, StringComparer.Ordinal).Select(g => g.First()).OrderBy(u => u.Id, StringComparer.Ordinal).ToList();
        if (ordered.Count == 0) return;
        var pipelines = ordered.Select(u => new AssetGraph.Pipeline(u.Id, u.Produces, u.Consumed.Select(c => c.Name).ToList())).ToList();

        // Assets of referenced libraries count as produced only when something here consumes one nothing here produces.
        var declared = external.Select(e => e.Name).ToList();
        if (AssetGraph.FindUnknown(pipelines, declared).Count > 0)
            declared.AddRange(AssetParser.ReadReferenced(context.Compilation, known, context.CancellationToken));
        foreach (var unknown in AssetGraph.FindUnknown(pipelines, declared))
        {
            var consumed = ordered[unknown.Pipeline].Consumed[unknown.Consumed];
            var descriptor = ordered[unknown.Pipeline].Closed ? DiagnosticDescriptors.UnknownAssetInClosedPipeline : DiagnosticDescriptors.UnknownAsset;
            context.ReportDiagnostic(Diagnostic.Create(descriptor, consumed.Location,
                ordered[unknown.Pipeline].Id, consumed.Name, unknown.Closest is null ? "" : $"Did you mean '{unknown.Closest}'? "));
        }

        foreach (var cycle in AssetGraph.FindCycles(pipelines))
        {
            // Placed where each pipeline of the cycle reads the asset the one before it produces, starting with the first.
            var locations = new List<Location>();
            for (var i = 0; i < cycle.Pipelines.Count; i++)
            {
                var reader = ordered[cycle.Pipelines[i]];
                var asset = cycle.Assets[(i + cycle.Pipelines.Count - 1) % cycle.Pipelines.Count];
                locations.Add(reader.Consumed.First(c => c.Name == asset).Location);
            }
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AssetCycle, locations[0], locations.Skip(1), cycle.Describe(pipelines)));
        }
    }

    private sealed record AssetUse(string Id, IReadOnlyList<string> Produces, IReadOnlyList<AssetParser.Consumed> Consumed, bool Closed);

    private static void ReportDuplicateIds(CompilationAnalysisContext context, ConcurrentBag<(string Id, INamedTypeSymbol Type, Location Location)> pipelineIds)
    {
        foreach (var group in pipelineIds.GroupBy(p => p.Id, StringComparer.Ordinal))
        {
            var claims = group
                .OrderBy(p => p.Location.SourceTree?.FilePath, StringComparer.Ordinal)
                .ThenBy(p => p.Location.SourceSpan.Start)
                .ToList();
            if (claims.Count < 2) continue;
            for (var i = 0; i < claims.Count; i++)
            {
                var others = string.Join(", ", claims.Where((_, j) => j != i).Select(c => $"'{c.Type.ToDisplayString()}'"));
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicatePipelineId, claims[i].Location, group.Key, others));
            }
        }
    }
}
