using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// The names of every declaration a pipeline's model can read, found from syntax: each identifier in the declarations of the
/// files holding the class (outside code blocks and expression bodies; with its usings, its namespace and containing types),
/// the types the parser looks up by name (<see cref="KnownSymbols.TypeNames"/>), the identifiers in every file's assembly
/// attributes and global usings (the pools and calendars declared there are part of every model), and then, again and again, each identifier
/// in the declarations of every type in the compilation that has one of those names, and the names of the types containing
/// it. A type the model reads through symbols (a task's output type, its base types and interfaces, a run-parameters
/// record and its properties, a constant's class) is reached by its name; a type that could take one of these names'
/// place (a new type in a nearer namespace, a new base type) has that name too. A declaration that changed and has none of
/// these names cannot change the model (<see cref="DeclarationChanges.Affect"/>).
/// </summary>
internal static class ReachedNames
{
    /// <summary>The names a pipeline's model can read in <paramref name="shape"/>.</summary>
    public static ImmutableHashSet<string> OfPipeline(PipelineClass pipelineClass, DeclarationShape shape)
    {
        var roots = new List<string>(KnownSymbols.TypeNames);
        foreach (var tree in pipelineClass.Trees) roots.AddRange(TreeDeclarations.Of(tree).Identifiers);
        return Of(roots, shape);
    }

    /// <summary>The names the assembly's attributes (its pools) and the module-initializer check can read in <paramref name="shape"/>.</summary>
    public static ImmutableHashSet<string> OfAssembly(DeclarationShape shape) => Of(AssemblyTypeNames, shape);

    /// <summary>The types the generator looks up for the whole assembly, by simple name.</summary>
    private static readonly string[] AssemblyTypeNames = [nameof(Api.PoolAttribute), "ModuleInitializerAttribute"];

    private static ImmutableHashSet<string> Of(IEnumerable<string> roots, DeclarationShape shape)
    {
        var names = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
        var pending = new Stack<string>();
        void Reach(string name)
        {
            if (names.Add(name)) pending.Push(name);
        }

        foreach (var name in roots) Reach(name);
        foreach (var tree in shape.Trees)
        {
            foreach (var name in TreeDeclarations.Of(tree).EveryFileIdentifiers) Reach(name);
        }

        var visited = new HashSet<SyntaxNode>();
        while (pending.Count > 0)
        {
            foreach (var type in shape.TypesNamed(pending.Pop()))
            {
                if (!visited.Add(type.Node)) continue;
                foreach (var name in TreeDeclarations.IdentifiersOf(type.Node)) Reach(name);
                foreach (var name in type.Containing) Reach(name);
            }
        }
        return names.ToImmutable();
    }
}
