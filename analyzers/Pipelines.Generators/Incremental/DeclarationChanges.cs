using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// What changed in a compilation's declarations between two <see cref="DeclarationShape"/>s, for a model to tell whether it
/// reads any of it (<see cref="ReachedNames"/>): either everything (<see cref="Everything"/>: the options, the references,
/// a file's parse options or path, a global using or an assembly attribute) or the simple names of the types whose
/// declarations changed, appeared or went, and of the namespaces that appeared or went. A changed type counts with the
/// types containing it. A change to what binds names in one file only (its usings, its <c>#nullable</c> directives, its
/// top-level statements) counts as a change to every type that file declares.
/// </summary>
/// <remarks>
/// A type "changed" when the compiler's top-level comparison (<see cref="SyntaxFactory.AreEquivalent(SyntaxNode, SyntaxNode, bool)"/>:
/// everything but code blocks, expression bodies and the initializers of fields that are not <c>const</c>) or the
/// documentation comment of the type or one of its members differs.
/// </remarks>
internal sealed class DeclarationChanges
{
    private readonly HashSet<string> _names;
    private HashSet<string>? _reaching;

    private DeclarationChanges(bool everything, HashSet<string> names)
    {
        Everything = everything;
        _names = names;
    }

    public static DeclarationChanges None { get; } = new(false, new HashSet<string>(StringComparer.Ordinal));

    private static DeclarationChanges All { get; } = new(true, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Whether nothing changed that any model or the assembly's facts could read.</summary>
    public bool IsNone => !Everything && _names.Count == 0;

    /// <summary>Whether the change can alter what any name binds to.</summary>
    public bool Everything { get; }

    /// <summary>The simple names of the types and namespaces that changed.</summary>
    public IReadOnlyCollection<string> Names => _names;

    /// <summary>
    /// Whether a model whose roots are <paramref name="isRoot"/> in <paramref name="earlier"/> (the shape these changes are
    /// counted from) can be different now: whether one of them reaches a changed name (<see cref="ReachedNames"/>). What
    /// reaches the changed names is found on the first call and kept for every model.
    /// </summary>
    public bool Affect(DeclarationShape earlier, Func<string, bool> isRoot)
    {
        if (Everything) return true;
        if (_names.Count == 0) return false;
        var reaching = System.Threading.Volatile.Read(ref _reaching);
        if (reaching is null)
        {
            reaching = ReachedNames.Reaching(_names, earlier);
            reaching = System.Threading.Interlocked.CompareExchange(ref _reaching, reaching, null) ?? reaching;
        }
        foreach (var name in reaching)
        {
            if (isRoot(name)) return true;
        }
        return false;
    }

    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static DeclarationChanges Between(DeclarationShape before, DeclarationShape after)
    {
        if (ReferenceEquals(before, after)) return None;
        if (!before.SameCompilationSettings(after)) return All;
        var treesBefore = before.Trees;
        var treesAfter = after.Trees;
        var names = new HashSet<string>(StringComparer.Ordinal);

        if (SamePaths(treesBefore, treesAfter))
        {
            for (var i = 0; i < treesBefore.Length; i++)
            {
                if (!Compare(treesBefore[i], treesAfter[i], names)) return All;
            }
            return Result(names);
        }

        // Files were added or removed: pair them by path, which must then tell them apart. Files whose order changed
        // change every model (partial declarations and assembly attributes are read in the compilation's order).
        if (ByPath(treesBefore) is not { } pathsBefore || ByPath(treesAfter) is not { } pathsAfter) return All;
        if (!SameOrder(treesBefore, treesAfter, pathsAfter) || !SameOrder(treesAfter, treesBefore, pathsBefore)) return All;
        foreach (var pair in pathsBefore)
        {
            if (pathsAfter.TryGetValue(pair.Key, out var tree))
            {
                if (!Compare(pair.Value, tree, names)) return All;
            }
            else if (!AddedOrRemoved(pair.Value, names)) return All;
        }
        foreach (var pair in pathsAfter)
        {
            if (!pathsBefore.ContainsKey(pair.Key) && !AddedOrRemoved(pair.Value, names)) return All;
        }
        return Result(names);
    }

    private static DeclarationChanges Result(HashSet<string> names) => names.Count == 0 ? None : new DeclarationChanges(false, names);
    /// <summary>Adds what changed between two versions of a file; false when that changes what names bind to everywhere.</summary>
    private static bool Compare(SyntaxTree before, SyntaxTree after, HashSet<string> names)
    {
        if (ReferenceEquals(before, after)) return true;
        if (!string.Equals(before.FilePath, after.FilePath, StringComparison.Ordinal) || !before.Options.Equals(after.Options)) return false;
        var declarationsBefore = TreeDeclarations.Of(before);
        var declarationsAfter = TreeDeclarations.Of(after);
        if (!declarationsBefore.SameForEveryFile(declarationsAfter)) return false;

        if (!declarationsBefore.SameForThisFile(declarationsAfter))
        {
            AddEveryDeclaration(declarationsBefore, names);
            AddEveryDeclaration(declarationsAfter, names);
            return true;
        }

        foreach (var pair in declarationsBefore.Types)
        {
            if (!declarationsAfter.Types.TryGetValue(pair.Key, out var counterpart))
            {
                Add(pair.Value, names);
            }
            else if (!SyntaxFactory.AreEquivalent(pair.Value.Node, counterpart.Node, topLevel: true) || !TreeDeclarations.SameDocumentation(pair.Value.Node, counterpart.Node))
            {
                Add(pair.Value, names);
                Add(counterpart, names);
            }
        }
        foreach (var pair in declarationsAfter.Types)
        {
            if (!declarationsBefore.Types.ContainsKey(pair.Key)) Add(pair.Value, names);
        }
        foreach (var ns in declarationsBefore.Namespaces)
        {
            if (!declarationsAfter.Namespaces.Contains(ns)) names.Add(ns);
        }
        foreach (var ns in declarationsAfter.Namespaces)
        {
            if (!declarationsBefore.Namespaces.Contains(ns)) names.Add(ns);
        }
        return true;
    }

    private static bool AddedOrRemoved(SyntaxTree tree, HashSet<string> names)
    {
        var declarations = TreeDeclarations.Of(tree);
        if (declarations.BindsForEveryFile) return false;
        AddEveryDeclaration(declarations, names);
        return true;
    }

    private static void AddEveryDeclaration(TreeDeclarations declarations, HashSet<string> names)
    {
        foreach (var type in declarations.Types.Values) Add(type, names);
        foreach (var ns in declarations.Namespaces) names.Add(ns);
        // Top-level statements make a Program class.
        names.Add("Program");
    }

    private static void Add(DeclaredType type, HashSet<string> names)
    {
        names.Add(type.Name);
        foreach (var containing in type.Containing) names.Add(containing);
    }


    private static bool SamePaths(ImmutableArray<SyntaxTree> before, ImmutableArray<SyntaxTree> after)
    {
        if (before.Length != after.Length) return false;
        for (var i = 0; i < before.Length; i++)
        {
            if (!string.Equals(before[i].FilePath, after[i].FilePath, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>Whether the files of <paramref name="trees"/> that <paramref name="others"/> also has are in the same order in both.</summary>
    private static bool SameOrder(ImmutableArray<SyntaxTree> trees, ImmutableArray<SyntaxTree> otherTrees, Dictionary<string, SyntaxTree> others)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < otherTrees.Length; i++) positions[otherTrees[i].FilePath] = i;
        var last = -1;
        foreach (var tree in trees)
        {
            if (!others.ContainsKey(tree.FilePath)) continue;
            var position = positions[tree.FilePath];
            if (position < last) return false;
            last = position;
        }
        return true;
    }

    private static Dictionary<string, SyntaxTree>? ByPath(ImmutableArray<SyntaxTree> trees)
    {
        var byPath = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            if (byPath.ContainsKey(tree.FilePath)) return null;
            byPath.Add(tree.FilePath, tree);
        }
        return byPath;
    }
}
