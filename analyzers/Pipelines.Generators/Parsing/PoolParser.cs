using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>The pools an assembly declares, and what is wrong with their declarations.</summary>
internal sealed class PoolDeclarations
{
    public PoolDeclarations(ImmutableArray<PoolSpec> pools, ImmutableArray<PoolSpec> known, ImmutableArray<Diagnostic> diagnostics)
    {
        Pools = pools;
        Known = known;
        Diagnostics = diagnostics;
    }

    /// <summary>
    /// Each pool this assembly declares, once (the first declaration wins), ordered by name; invalid declarations are left
    /// out. These are the ones its registry adds to the catalog.
    /// </summary>
    public ImmutableArray<PoolSpec> Pools { get; }

    /// <summary>
    /// The pools a task may name: this assembly's and those of referenced assemblies built against Pipelines (whose own
    /// registries add them when they load), ordered by name.
    /// </summary>
    public ImmutableArray<PoolSpec> Known { get; }

    /// <summary>Problems with the declarations, placed on the argument to edit.</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public PoolSpec? Find(string name)
    {
        foreach (var pool in Known)
        {
            if (string.Equals(pool.Name, name, StringComparison.Ordinal)) return pool;
        }
        return null;
    }
}

/// <summary>Reads <c>[assembly: Pool(name, Slots = n, Description = ...)]</c> declarations of the compilation being built.</summary>
internal static class PoolParser
{
    public const string PoolAttributeName = KnownSymbols.ApiNamespace + nameof(Api.PoolAttribute);

    // The same shape as a pipeline id: pool names appear in CLI arguments, configuration keys and storage keys.
    private static readonly Regex s_name = new("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);

    public static PoolDeclarations Read(Compilation compilation, CancellationToken cancellationToken)
    {
        var poolAttribute = compilation.GetTypeByMetadataName(PoolAttributeName);
        if (poolAttribute is null) return new PoolDeclarations(ImmutableArray<PoolSpec>.Empty, ImmutableArray<PoolSpec>.Empty, ImmutableArray<Diagnostic>.Empty);
        var referenced = ReferencedPools(compilation, poolAttribute, cancellationToken);

        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        var byName = new Dictionary<string, PoolSpec>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!KnownSymbols.Is(attribute.AttributeClass, poolAttribute)) continue;
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string name) continue; // a compiler error already

            var slots = 1;
            string? description = null;
            var readable = true;
            foreach (var named in attribute.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error) { readable = false; continue; }
                if (named.Key == nameof(Api.PoolAttribute.Slots) && named.Value.Value is int s) slots = s;
                else if (named.Key == nameof(Api.PoolAttribute.Description)) description = named.Value.Value as string;
            }
            if (!readable) continue;

            var problem = name.Length == 0 ? "its name is empty"
                : !s_name.IsMatch(name) ? "its name has characters other than letters, digits, '_', '-' and '.', or does not start with a letter or digit"
                : null;
            if (problem is not null)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidPoolDeclaration, AttributeArguments.Positional(attribute, 0, cancellationToken),
                    name, problem, "Name it with letters, digits, '_', '-' and '.', such as \"vendor_api\"."));
                continue;
            }
            if (slots < 1)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidPoolDeclaration, AttributeArguments.Named(attribute, nameof(Api.PoolAttribute.Slots), cancellationToken),
                    name, $"it has {slots} slots, so no task could ever take one", "Give it at least one slot, as in Slots = 1."));
                continue;
            }
            if (referenced.TryGetValue(name, out var elsewhere) && elsewhere.Pool.Slots != slots)
            {
                diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidPoolDeclaration, AttributeArguments.Named(attribute, nameof(Api.PoolAttribute.Slots), cancellationToken),
                    name, $"'{elsewhere.Assembly}' already declares it with {elsewhere.Pool.Slots} slots, and here it has {slots}", "Give both declarations the same Slots, or remove this one and use the referenced pool."));
                continue;
            }
            if (byName.TryGetValue(name, out var first))
            {
                if (first.Slots != slots)
                {
                    diagnostics.Add(Diagnostic.Create(DiagnosticDescriptors.InvalidPoolDeclaration, AttributeArguments.Named(attribute, nameof(Api.PoolAttribute.Slots), cancellationToken),
                        name, $"it is already declared with {first.Slots} slots, and here with {slots}", "Declare each pool once, or give both declarations the same Slots."));
                }
                continue;
            }
            byName.Add(name, new PoolSpec(name, slots, description));
            order.Add(name);
        }

        order.Sort(StringComparer.Ordinal);
        var pools = ImmutableArray.CreateBuilder<PoolSpec>(order.Count);
        foreach (var name in order) pools.Add(byName[name]);

        var known = new List<PoolSpec>(pools);
        foreach (var entry in referenced)
        {
            if (!byName.ContainsKey(entry.Key)) known.Add(entry.Value.Pool);
        }
        known.Sort((a, b) => StringComparer.Ordinal.Compare(a.Name, b.Name));
        return new PoolDeclarations(pools.MoveToImmutable(), known.ToImmutableArray(), diagnostics.ToImmutable());
    }

    /// <summary>
    /// Valid pools declared by referenced assemblies. Only assemblies that reference Pipelines can declare one, so the
    /// others (the framework, most packages) are skipped without decoding their attributes.
    /// </summary>
    private static Dictionary<string, (PoolSpec Pool, string Assembly)> ReferencedPools(Compilation compilation, INamedTypeSymbol poolAttribute, CancellationToken cancellationToken)
    {
        var pools = new Dictionary<string, (PoolSpec, string)>(StringComparer.Ordinal);
        var pipelinesAssembly = poolAttribute.ContainingAssembly.Identity.Name;
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!ReferencesAssembly(assembly, pipelinesAssembly)) continue;
            foreach (var attribute in assembly.GetAttributes())
            {
                if (!KnownSymbols.Is(attribute.AttributeClass, poolAttribute)) continue;
                if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string name || !s_name.IsMatch(name)) continue;
                var slots = 1;
                string? description = null;
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == nameof(Api.PoolAttribute.Slots) && named.Value.Value is int s) slots = s;
                    else if (named.Key == nameof(Api.PoolAttribute.Description)) description = named.Value.Value as string;
                }
                if (slots >= 1 && !pools.ContainsKey(name)) pools.Add(name, (new PoolSpec(name, slots, description), assembly.Identity.Name));
            }
        }
        return pools;
    }

    private static bool ReferencesAssembly(IAssemblySymbol assembly, string name)
    {
        foreach (var module in assembly.Modules)
        {
            foreach (var reference in module.ReferencedAssemblies)
            {
                if (string.Equals(reference.Name, name, StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }
}
