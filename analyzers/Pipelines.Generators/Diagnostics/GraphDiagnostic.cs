using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Validation;

/// <summary>A graph problem found on the model, with a pointer to where it should be reported.</summary>
internal sealed class GraphDiagnostic
{
    public GraphDiagnostic(DiagnosticDescriptor descriptor, LocationRef where, params object?[] arguments)
        : this(descriptor, where, EquatableArray<DiagnosticProperty>.Empty, arguments)
    {
    }

    public GraphDiagnostic(DiagnosticDescriptor descriptor, LocationRef where, EquatableArray<DiagnosticProperty> properties, params object?[] arguments)
    {
        Descriptor = descriptor;
        Where = where;
        Properties = properties;
        Arguments = arguments;
    }

    public DiagnosticDescriptor Descriptor { get; }
    public LocationRef Where { get; }

    /// <summary>What a code fix needs to repair the problem (see <see cref="DiagnosticProperties"/>); strings only, never symbols or locations.</summary>
    public EquatableArray<DiagnosticProperty> Properties { get; }

    public object?[] Arguments { get; }

    /// <summary>The properties bag holding only <paramref name="key"/>, or an empty one when <paramref name="value"/> is null.</summary>
    public static EquatableArray<DiagnosticProperty> Property(string key, string? value) =>
        value is null ? EquatableArray<DiagnosticProperty>.Empty : new EquatableArray<DiagnosticProperty>(ImmutableArray.Create(new DiagnosticProperty(key, value)));

    public Diagnostic ToDiagnostic(PipelineLocations locations)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        foreach (var property in Properties) properties = properties.SetItem(property.Key, property.Value);
        return Diagnostic.Create(Descriptor, locations.Resolve(Where), properties, Arguments);
    }
}
