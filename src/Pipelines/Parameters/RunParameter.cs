using System.Collections.Immutable;

namespace Pipelines;

/// <summary>
/// One member of a pipeline's parameters record, as the generator read it at compile time: its kind, default and
/// constraints. <see cref="RunParameterSet"/> validates operator input against it.
/// </summary>
public sealed class RunParameter
{
    /// <summary>Creates a description. Generated code calls this.</summary>
    public RunParameter(string name, RunParameterKind kind)
    {
        Name = name ?? throw new System.ArgumentNullException(nameof(name));
        Kind = kind;
    }

    /// <summary>The member name, as declared; keys match it case-insensitively.</summary>
    public string Name { get; }

    /// <summary>What the value (or each element of a list) holds.</summary>
    public RunParameterKind Kind { get; }

    /// <summary>Whether the member is a list, written as comma-separated values.</summary>
    public bool IsList { get; init; }

    /// <summary>Whether the value must be given (no default, or <c>[Required]</c>).</summary>
    public bool Required { get; init; }

    /// <summary>The default in its stored form (<c>500</c>, <c>true</c>, <c>2024-01-31</c>, <c>AAPL,MSFT</c>), or null when there is none the generator could read.</summary>
    public string? Default { get; init; }

    /// <summary>The smallest allowed value, from <c>[Range]</c>.</summary>
    public double? Minimum { get; init; }

    /// <summary>The largest allowed value, from <c>[Range]</c>.</summary>
    public double? Maximum { get; init; }

    /// <summary>The pattern text must match whole, from <c>[RegularExpression]</c>.</summary>
    public string? Pattern { get; init; }

    /// <summary>From <c>[Description]</c> or the member's XML doc summary.</summary>
    public string? Description { get; init; }

    /// <summary>The member type as written in C#, for people (<c>IReadOnlyList&lt;string&gt;</c>).</summary>
    public string TypeName { get; init; } = "";

    /// <summary>For <see cref="RunParameterKind.Enum"/>, the member names.</summary>
    public ImmutableArray<string> EnumValues { get; init; } = ImmutableArray<string>.Empty;

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {TypeName}";
}
