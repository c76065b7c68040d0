using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Pipelines;

/// <summary>
/// Every pool declared (<c>[assembly: Pool(...)]</c>) by the assemblies loaded so far. Each assembly's generated registry
/// adds its pools from a module initializer, beside its pipelines (<see cref="PipelineCatalog"/>).
/// </summary>
public static class PoolCatalog
{
    private static readonly object s_gate = new();
    private static ImmutableDictionary<string, PoolDefinition> s_byName = ImmutableDictionary.Create<string, PoolDefinition>(StringComparer.Ordinal);

    /// <summary>The declared pools, ordered by name.</summary>
    public static IReadOnlyList<PoolDefinition> All => s_byName.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();

    /// <summary>Adds pools. The same pool declared twice with the same slots is harmless; with different slots it is an error.</summary>
    /// <exception cref="InvalidOperationException">Two assemblies declare one pool with different slots.</exception>
    public static void Register(IEnumerable<PoolDefinition> pools)
    {
        if (pools is null) throw new ArgumentNullException(nameof(pools));
        lock (s_gate)
        {
            var builder = s_byName.ToBuilder();
            foreach (var pool in pools)
            {
                if (builder.TryGetValue(pool.Name, out var existing))
                {
                    if (existing.Slots == pool.Slots) continue;
                    throw new InvalidOperationException(
                        $"Pool '{pool.Name}' is declared with {existing.Slots} slot(s) and with {pool.Slots}. Declare it once, or give both declarations the same slots.");
                }
                builder[pool.Name] = pool;
            }
            s_byName = builder.ToImmutable();
        }
    }

    /// <summary>Looks a pool up by name.</summary>
    public static bool TryGet(string name, out PoolDefinition pool) => s_byName.TryGetValue(name, out pool!);
}
