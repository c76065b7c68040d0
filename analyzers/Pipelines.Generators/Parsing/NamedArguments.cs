using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// An attribute's named arguments (<c>Retries = 3</c>) in the order written, each with its value and the location of
/// that value, and the attribute's own location for a setting that is absent: read from the bound attribute
/// (<see cref="Of"/>), or from syntax by <see cref="SyntaxTaskReader"/> when that gives the same. The settings readers
/// take either, so a task read from syntax is checked by the same code, with the same diagnostics at the same places.
/// </summary>
internal sealed class NamedArguments
{
    public static readonly NamedArguments None = new(new List<NamedArgument>(), Location.None);

    private readonly Location _attribute;

    public NamedArguments(IReadOnlyList<NamedArgument> all, Location attribute)
    {
        All = all;
        _attribute = attribute;
    }

    public IReadOnlyList<NamedArgument> All { get; }

    /// <summary>The named arguments of a bound attribute; an argument the compiler could not bind is <see cref="NamedArgument.IsError"/>.</summary>
    public static NamedArguments Of(AttributeData attribute, CancellationToken cancellationToken)
    {
        var named = attribute.NamedArguments;
        var all = new List<NamedArgument>(named.Length);
        foreach (var argument in named)
        {
            var isError = argument.Value.Kind == TypedConstantKind.Error;
            all.Add(new NamedArgument(argument.Key, isError ? null : argument.Value.Value, isError, AttributeArguments.Named(attribute, argument.Key, cancellationToken)));
        }
        return new NamedArguments(all, AttributeArguments.Of(attribute, cancellationToken));
    }

    /// <summary>The location of the first argument named <paramref name="name"/>'s value, or of the attribute when there is none.</summary>
    public Location Where(string name)
    {
        foreach (var argument in All)
        {
            if (argument.Name == name) return argument.Where;
        }
        return _attribute;
    }
}

/// <summary>One named argument: its name, its constant value (an enum's as its underlying value), and where the value is written.</summary>
internal readonly record struct NamedArgument(string Name, object? Value, bool IsError, Location Where);
