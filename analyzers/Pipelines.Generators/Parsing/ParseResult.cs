using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Pipelines.Generators.Model;
using Pipelines.Generators.Validation;

namespace Pipelines.Generators.Parsing;

/// <summary>The result of reading one pipeline class.</summary>
internal sealed class ParseResult
{
    public ParseResult(PipelineSpec? spec, ImmutableArray<Diagnostic> diagnostics, PipelineLocations locations, bool blocked)
    {
        Spec = spec;
        Diagnostics = diagnostics;
        Locations = locations;
        Blocked = blocked;
    }

    /// <summary>The model; null when the class could not be read at all.</summary>
    public PipelineSpec? Spec { get; }

    /// <summary>Problems found while reading symbols (graph problems come from <see cref="PipelineValidator"/>).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    public PipelineLocations Locations { get; }

    /// <summary>The code has compiler errors (unresolved types, non-constant arguments) that the compiler reports; generate nothing.</summary>
    public bool Blocked { get; }

    public bool HasErrors => Blocked || Spec is null || Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
