using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>Reports a diagnostic found while reading symbols, with the properties its code fix reads, if any.</summary>
internal delegate void DiagnosticReporter(DiagnosticDescriptor descriptor, Location location, object?[] arguments, ImmutableDictionary<string, string?>? properties = null);
