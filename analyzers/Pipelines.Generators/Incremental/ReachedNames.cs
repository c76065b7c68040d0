using System.Collections.Generic;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// Which declarations a pipeline's model can read, found from syntax. A model reaches every identifier in the declarations
/// of the files holding its class (outside code blocks and expression bodies; with their usings, namespaces and containing
/// types), the types the parser looks up by name (<see cref="KnownSymbols.TypeNames"/>), the identifiers in every file's
/// assembly attributes and global usings (the pools and calendars declared there are part of every model), and then, again
/// and again, each identifier in the declaration of every type in the compilation that has a reached name, in the usings of
/// the file declaring it (an alias or <c>using static</c> there binds names in the declaration), and the names of the types
/// containing it. A type the model reads through symbols (a task's output type, its base types and interfaces, a
/// run-parameters record and its properties, a constant's class) is reached by its name; a type that could take one of these
/// names' place (a new type in a nearer namespace, a new base type) has that name too. A declaration that changed and has
/// none of the reached names cannot change the model.
/// </summary>
/// <remarks>
/// The same relation is followed backwards, once per edit for every model: from the names that changed, to the names of the
/// types whose declarations (or files' usings, or nested types) mention them, and so on (<see cref="Reaching"/>). A model
/// is affected when one of its roots (<see cref="SharedRoots"/> and its files' identifiers) is among them. Forwards, each
/// model would walk the types it reaches on every edit; backwards, one walk from the few changed names serves them all.
/// </remarks>
internal static class ReachedNames
{
    /// <summary>The roots every model and the assembly's facts share in the shape's compilation.</summary>
    public static HashSet<string> SharedRoots(DeclarationShape shape)
    {
        var roots = new HashSet<string>(KnownSymbols.TypeNames, System.StringComparer.Ordinal) { nameof(Api.PoolAttribute), "ModuleInitializerAttribute" };
        foreach (var tree in shape.Trees) roots.UnionWith(TreeDeclarations.Of(tree).EveryFileIdentifiers);
        return roots;
    }

    /// <summary>
    /// For each name, the names of the types whose declarations reach it in one step: those that mention it, those declared in
    /// a file whose usings mention it, and those it contains; and the large declarations, which are searched for a name
    /// when asked (<see cref="DeclaredType.MayMention"/>).
    /// </summary>
    public static MentionIndex Mentions(DeclarationShape shape)
    {
        var mentions = new Dictionary<string, List<string>>(System.StringComparer.Ordinal);
        var large = new List<DeclaredType>();
        void Add(string mentioned, string by)
        {
            if (!mentions.TryGetValue(mentioned, out var names)) mentions.Add(mentioned, names = []);
            names.Add(by);
        }

        foreach (var tree in shape.Trees)
        {
            var declarations = TreeDeclarations.Of(tree);
            foreach (var type in declarations.Types.Values)
            {
                // A large declaration (a pipeline class of thousands of tasks) is searched for each name asked about instead.
                if (type.IsLarge) large.Add(type);
                else foreach (var name in type.Identifiers) Add(name, type.Name);
                foreach (var name in type.Containing) Add(name, type.Name);
                foreach (var name in declarations.UsingIdentifiers) Add(name, type.Name);
            }
        }
        return new MentionIndex(mentions, large);
    }

    /// <summary>Every name from which <paramref name="changed"/> names are reached in <paramref name="shape"/>, the changed ones included.</summary>
    public static HashSet<string> Reaching(IEnumerable<string> changed, DeclarationShape shape)
    {
        var reaching = new HashSet<string>(System.StringComparer.Ordinal);
        var pending = new Stack<string>();
        foreach (var name in changed)
        {
            if (reaching.Add(name)) pending.Push(name);
        }
        while (pending.Count > 0)
        {
            foreach (var name in shape.NamesMentioning(pending.Pop()))
            {
                if (reaching.Add(name)) pending.Push(name);
            }
        }
        return reaching;
    }
}

/// <summary>Which types' declarations mention each name, and the large declarations searched for a name when asked.</summary>
internal sealed record MentionIndex(Dictionary<string, List<string>> Names, List<DeclaredType> Large);
