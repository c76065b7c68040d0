using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// The names of every declaration a pipeline's model can read, found from syntax: each identifier in the declarations of the
/// files holding the class (outside code blocks and expression bodies; with its usings, its namespace and containing types),
/// the types the parser looks up by name (<see cref="KnownSymbols.TypeNames"/>), the identifiers in every file's assembly
/// attributes and global usings (the pools and calendars declared there are part of every model), and then, again and again,
/// each identifier in the declarations of every type in the compilation that has one of those names, in the usings of the
/// files declaring them (an alias or <c>using static</c> there binds names in the declaration), and the names of the types
/// containing them. A type the model reads through symbols (a task's output type, its base types and interfaces, a
/// run-parameters record and its properties, a constant's class) is reached by its name; a type that could take one of
/// these names' place (a new type in a nearer namespace, a new base type) has that name too. A declaration that changed and
/// has none of these names cannot change the model (<see cref="DeclarationChanges.Affect"/>).
/// </summary>
/// <remarks>
/// What every model reaches (the known types, the assembly attributes) is found once per shape (<see cref="Shared"/>); each
/// pipeline adds what only it reaches. Each type's identifiers are read once per syntax tree object.
/// </remarks>
internal sealed class ReachedNames
{
    private readonly ReachedNames? _shared;
    private readonly HashSet<string> _names = new(System.StringComparer.Ordinal);
    private readonly HashSet<SyntaxTree> _files = [];

    private ReachedNames(ReachedNames? shared) => _shared = shared;

    /// <summary>Whether a declaration with this simple name can change what was reached from.</summary>
    public bool Contains(string name) => _names.Contains(name) || (_shared?.Contains(name) ?? false);

    /// <summary>What every model and the assembly's facts reach in <paramref name="shape"/>: build it once per shape.</summary>
    public static ReachedNames Shared(DeclarationShape shape)
    {
        var reached = new ReachedNames(null);
        var roots = new List<string>(KnownSymbols.TypeNames) { nameof(Api.PoolAttribute), "ModuleInitializerAttribute" };
        foreach (var tree in shape.Trees) roots.AddRange(TreeDeclarations.Of(tree).EveryFileIdentifiers);
        reached.Reach(roots, shape);
        return reached;
    }

    /// <summary>The names a pipeline's model can read in <paramref name="shape"/>.</summary>
    public static ReachedNames OfPipeline(PipelineClass pipelineClass, DeclarationShape shape)
    {
        var reached = new ReachedNames(shape.SharedReach);
        var roots = new List<string>();
        foreach (var tree in pipelineClass.Trees) roots.AddRange(TreeDeclarations.Of(tree).Identifiers);
        reached.Reach(roots, shape);
        return reached;
    }

    private void Reach(IEnumerable<string> roots, DeclarationShape shape)
    {
        var pending = new Stack<string>();
        void Add(string name)
        {
            if (_shared?.Contains(name) != true && _names.Add(name)) pending.Push(name);
        }

        foreach (var name in roots) Add(name);
        while (pending.Count > 0)
        {
            // Each name is followed once, and a type is found only under its own name, so each type is read once.
            foreach (var type in shape.TypesNamed(pending.Pop()))
            {
                foreach (var name in type.Identifiers) Add(name);
                foreach (var name in type.Containing) Add(name);
                if (_files.Add(type.Node.SyntaxTree))
                {
                    foreach (var name in TreeDeclarations.Of(type.Node.SyntaxTree).UsingIdentifiers) Add(name);
                }
            }
        }
    }
}
