using Microsoft.CodeAnalysis;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Validation;

/// <summary>A graph problem found on the model, with a pointer to where it should be reported.</summary>
internal sealed class GraphDiagnostic
{
    public GraphDiagnostic(DiagnosticDescriptor descriptor, LocationRef where, params object?[] arguments)
    {
        Descriptor = descriptor;
        Where = where;
        Arguments = arguments;
    }

    public DiagnosticDescriptor Descriptor { get; }
    public LocationRef Where { get; }
    public object?[] Arguments { get; }

    public Diagnostic ToDiagnostic(PipelineLocations locations) =>
        Diagnostic.Create(Descriptor, locations.Resolve(Where), Arguments);
}
