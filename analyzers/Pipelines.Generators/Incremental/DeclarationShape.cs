using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// What a pipeline's model can depend on outside its own class: every syntax tree's declarations (types, members,
/// signatures, attributes, constants and their documentation comments: everything but code blocks and expression
/// bodies, and the initializers of fields that are not <c>const</c>), the parse options, the compilation's options and
/// its references. Two shapes are equal when none of that changed, which is what an edit inside a method body leaves, so
/// the generator keeps its models instead of rebuilding them from the new compilation's symbols on every keystroke.
/// </summary>
/// <remarks>
/// <para>
/// The comparison is <see cref="DeclarationChanges"/>' (the compiler's own notion of a change that leaves every symbol as
/// it was, per type, plus the trivia it skips that a model can read), made only for the trees that are not the same
/// objects; the models and the assembly's facts then ask which of the changes they can read.
/// </para>
/// <para>
/// The incremental driver keeps the <em>earlier</em> of two equal values, so a shape is compared with the one the current
/// models were built from, however many equal shapes came between: it keeps that compilation's syntax trees (a file
/// edited since is held in both versions), but not the compilation, which is held weakly, only used while the driver runs
/// on it (<see cref="PipelineClass.CompilationFor"/>).
/// </para>
/// </remarks>
internal sealed class DeclarationShape : IEquatable<DeclarationShape>
{
    private readonly ImmutableArray<SyntaxTree> _trees;
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly CompilationOptions _options;
    private readonly string? _assemblyName;
    private readonly WeakReference<Compilation> _compilation;
    private readonly long _sequence = Interlocked.Increment(ref s_sequence);
    private readonly List<(WeakReference<DeclarationShape> Since, DeclarationChanges Changes)> _changes = [];
    private readonly object _gate = new();
    private HashSet<string>? _sharedRoots;
    private MentionIndex? _mentions;
    private static long s_sequence;

    private DeclarationShape(Compilation compilation)
    {
        _trees = compilation.SyntaxTrees.ToImmutableArray();
        _references = compilation.References.ToImmutableArray();
        _options = compilation.Options;
        _assemblyName = compilation.AssemblyName;
        _compilation = new WeakReference<Compilation>(compilation);
    }

    public static DeclarationShape Of(Compilation compilation) => new(compilation);

    /// <summary>The compilation this shape was taken from, while it is alive.</summary>
    public Compilation? Compilation => _compilation.TryGetTarget(out var compilation) ? compilation : null;

    /// <summary>The compilation's syntax trees, in its order.</summary>
    public ImmutableArray<SyntaxTree> Trees => _trees;

    /// <summary>Whether this shape was taken before <paramref name="other"/>.</summary>
    public bool IsEarlierThan(DeclarationShape other) => _sequence < other._sequence;

    /// <summary>Whether the compilation's options, assembly name and references are the same objects or values.</summary>
    public bool SameCompilationSettings(DeclarationShape other)
    {
        if (_references.Length != other._references.Length) return false;
        if (!string.Equals(_assemblyName, other._assemblyName, StringComparison.Ordinal) || !_options.Equals(other._options)) return false;
        for (var i = 0; i < _references.Length; i++)
        {
            if (!ReferenceEquals(_references[i], other._references[i])) return false;
        }
        return true;
    }

    /// <summary>The roots every model and the assembly's facts share (<see cref="ReachedNames.SharedRoots"/>), found once.</summary>
    public HashSet<string> SharedRoots
    {
        get
        {
            var roots = Volatile.Read(ref _sharedRoots);
            if (roots is null)
            {
                roots = ReachedNames.SharedRoots(this);
                roots = Interlocked.CompareExchange(ref _sharedRoots, roots, null) ?? roots;
            }
            return roots;
        }
    }

    /// <summary>The names of the types whose declarations mention <paramref name="name"/> in one step (<see cref="ReachedNames.Mentions"/>).</summary>
    public IReadOnlyList<string> NamesMentioning(string name)
    {
        var index = Volatile.Read(ref _mentions);
        if (index is null)
        {
            index = ReachedNames.Mentions(this);
            index = Interlocked.CompareExchange(ref _mentions, index, null) ?? index;
        }
        var (mentions, large) = index;
        IReadOnlyList<string> names = mentions.TryGetValue(name, out var found) ? found : [];
        if (large.Count == 0) return names;
        List<string>? more = null;
        foreach (var type in large)
        {
            if (type.MayMention(name)) (more ??= new List<string>(names)).Add(type.Name);
        }
        return more ?? names;
    }

    /// <summary>
    /// What changed in the declarations since <paramref name="earlier"/>. Every model compares the same two shapes, so the
    /// last answers are kept.
    /// </summary>
    public DeclarationChanges ChangesSince(DeclarationShape earlier)
    {
        lock (_gate)
        {
            foreach (var (since, changes) in _changes)
            {
                if (since.TryGetTarget(out var shape) && ReferenceEquals(shape, earlier)) return changes;
            }
        }
        var found = DeclarationChanges.Between(earlier, this);
        lock (_gate)
        {
            // The models and the assembly's facts may each keep a different earlier shape; a few answers cover them.
            if (_changes.Count == 4) _changes.RemoveAt(0);
            _changes.Add((new WeakReference<DeclarationShape>(earlier), found));
        }
        return found;
    }

    /// <summary>Two shapes are equal when nothing a model or the assembly's facts can read changed between them (<see cref="DeclarationChanges"/>).</summary>
    public bool Equals(DeclarationShape? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        try
        {
            var (earlier, later) = IsEarlierThan(other) ? (this, other) : (other, this);
            return later.ChangesSince(earlier).IsNone;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The driver calls this outside the generator's own guards: whatever the syntax, take it as changed.
            return false;
        }
    }

    public override bool Equals(object? obj) => obj is DeclarationShape other && Equals(other);

    public override int GetHashCode() => _trees.Length;
}
