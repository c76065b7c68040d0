using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Generators.Emission;
using Pipelines.Generators.Incremental;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;
using Pipelines.Generators.Validation;

namespace Pipelines.Generators;

/// <summary>
/// Compiles every <c>[Pipeline]</c> class into a static <c>PipelineDefinition</c> and one registry per assembly.
/// Emits code only: the <see cref="PipelineAnalyzer"/> reports the diagnostics, from the same parser and validator,
/// and a pipeline with any error gets no generated code at all.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class PipelineGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>The classes carrying [Pipeline], by their declarations.</summary>
        public const string Classes = "PipelineClasses";
        /// <summary>The declarations of the whole compilation a model can depend on.</summary>
        public const string Shape = "DeclarationShape";
        /// <summary>The per-class model.</summary>
        public const string Models = "PipelineModels";
        /// <summary>Models that can be emitted.</summary>
        public const string Valid = "ValidPipelines";
        /// <summary>The pools declared with [assembly: Pool].</summary>
        public const string Pools = "DeclaredPools";
        /// <summary>The registry input.</summary>
        public const string Registry = "PipelineRegistry";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // The classes are found on every compilation, cheaply (their declarations, by identity); a class's model is built from
        // its symbols only when the class or a declaration it can read changed (ModelInput: DeclarationChanges against
        // ReachedNames), so an edit inside a method body anywhere, or to a type the pipeline never names, leaves it cached.
        var classes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownSymbols.PipelineAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => FindClass(ctx, ct))
            .WithTrackingName(Steps.Classes);

        var shape = context.CompilationProvider
            .Select(static (c, _) => DeclarationShape.Of(c))
            .WithTrackingName(Steps.Shape);

        var models = classes
            .Combine(shape)
            .Select(static (input, _) => new ModelInput(input.Left, input.Right))
            .Select(static (input, ct) => BuildModel(input.Class, input.Shape, ct))
            .WithTrackingName(Steps.Models);

        var valid = models
            .Where(static m => m is { HasErrors: false, Spec: not null })
            .Select(static (m, _) => m!)
            .WithTrackingName(Steps.Valid);

        context.RegisterSourceOutput(valid, static (spc, model) =>
            spc.AddSource(PipelineEmitter.HintName(model.Spec!), PipelineEmitter.Emit(model.Spec!, model.Order, model.Edges)));

        // Both depend on the assembly's attributes, what they name and the references only, so they are read again only when
        // one of those changed (a changed input is always the new compilation's).
        var assembly = shape.Select(static (s, _) => new AssemblyInput(s));
        var moduleInitializer = assembly
            .Select(static (a, _) => a.Shape.Compilation?.GetTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute") is not null);

        // Assembly attributes can be on any file, so the pools are read from the compilation; the equatable result keeps
        // the registry cached while they do not change.
        var pools = assembly
            .Select(static (a, ct) => a.Shape.Compilation is { } c ? ReadPools(c, ct) : (EquatableArray<PoolSpec>.Empty, EquatableArray<PoolSpec>.Empty))
            .WithTrackingName(Steps.Pools);

        var registry = valid
            .Select(static (m, _) => new RegistryEntry(m.Spec!.Id, m.Spec.Type.FullyQualifiedName))
            .Collect()
            .Select(static (entries, _) => Distinct(entries))
            .Combine(pools)
            .Combine(moduleInitializer)
            .WithTrackingName(Steps.Registry);

        context.RegisterSourceOutput(registry, static (spc, input) =>
        {
            var ((entries, (own, known)), hasModuleInitializer) = input;
            if (entries.Count == 0 && own.Count == 0) return;
            // An assembly with pipelines registers the pools of referenced libraries too: a library that only declares
            // pools is never loaded by anything else, and its tasks' pools must be known when they run.
            spc.AddSource(RegistryEmitter.HintName, RegistryEmitter.Emit(entries.Select(e => e.Type).ToList(), (entries.Count > 0 ? known : own).ToList(), hasModuleInitializer));
        });
    }

    private static PipelineClass? FindClass(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return PipelineClass.Of(context, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    private static GenerationModel? BuildModel(PipelineClass? pipelineClass, DeclarationShape shape, CancellationToken cancellationToken)
    {
        try
        {
            if (pipelineClass?.CompilationFor(shape) is not { } compilation || pipelineClass.Read(compilation, cancellationToken) is not { } read) return null;
            var (type, attribute) = read;
            var known = KnownSymbols.Create(compilation);
            var parsed = PipelineParser.Parse(type, attribute, known, cancellationToken);
            if (parsed.Spec is null) return new GenerationModel(null, EquatableArray<int>.Empty, EquatableArray<TaskEdgesSpec>.Empty, HasErrors: true);
            var validation = PipelineValidator.Validate(parsed.Spec);
            if (parsed.HasErrors || validation.HasErrors || validation.Order is null)
                return new GenerationModel(parsed.Spec, EquatableArray<int>.Empty, EquatableArray<TaskEdgesSpec>.Empty, HasErrors: true);
            return new GenerationModel(parsed.Spec, validation.Order.ToEquatableArray(), validation.Edges(parsed.Spec), HasErrors: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Half-typed code must never break the build with a generator crash; the analyzer reports what is wrong.
            return null;
        }
    }

    private static (EquatableArray<PoolSpec> Own, EquatableArray<PoolSpec> Known) ReadPools(Compilation compilation, CancellationToken cancellationToken)
    {
        try
        {
            var pools = PoolParser.Read(compilation, cancellationToken);
            return (pools.Pools.ToEquatableArray(), pools.Known.ToEquatableArray());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (EquatableArray<PoolSpec>.Empty, EquatableArray<PoolSpec>.Empty);
        }
    }

    /// <summary>Pipelines in id order; an id claimed by two classes is left out (the analyzer reports PIPE005).</summary>
    private static EquatableArray<RegistryEntry> Distinct(ImmutableArray<RegistryEntry> entries)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in entries) counts[entry.Id] = counts.TryGetValue(entry.Id, out var n) ? n + 1 : 1;
        return entries.Where(e => counts[e.Id] == 1).OrderBy(e => e.Id, StringComparer.Ordinal).ToEquatableArray();
    }

    private sealed record RegistryEntry(string Id, string Type);
}
