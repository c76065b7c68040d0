using Microsoft.CodeAnalysis;

namespace Pipelines.Generators;

// Dynamic task mapping ([MapOver]): PIPE044-PIPE049.
internal static partial class DiagnosticDescriptors
{
    public static readonly DiagnosticDescriptor InputFromMappedTask = Error("PIPE044",
        "Input from a mapped task must take all its results",
        "Parameter '{0}' of task '{1}' has type '{2}', but task '{3}' is mapped: it runs once per element and gives its results as a list in map-index order. Take them as 'IReadOnlyList<{4}>'.");

    public static readonly DiagnosticDescriptor MapElementTypeMismatch = Error("PIPE045",
        "Mapped parameter does not match the upstream collection's element",
        "Parameter '{0}' of task '{1}' has type '{2}', but it maps over '{3}', whose elements are '{4}'. Change the parameter to '{4}' or a type it converts to implicitly.");

    public static readonly DiagnosticDescriptor MapOverNonCollection = Error("PIPE046",
        "[MapOver] names a task that does not return a collection",
        "Parameter '{0}' of task '{1}' maps over '{2}', which returns {3}. Map over a task that returns IReadOnlyList<T>, T[] or IEnumerable<T> (optionally in Task<> or ValueTask<>).");

    public static readonly DiagnosticDescriptor NestedMapping = Error("PIPE047",
        "Nested mapping is not supported",
        "Parameter '{0}' of task '{1}' maps over '{2}', which is itself mapped. Add a task that takes all its results as [FromTask(nameof({2}))] IReadOnlyList<{3}> and returns the collection to map over, and map over that task.");

    public static readonly DiagnosticDescriptor SeveralMapOverParameters = Error("PIPE048",
        "A task maps over one collection",
        "Task '{0}' maps over both '{1}' and '{2}'. A task maps over one collection: return the pairs from one upstream task and map over that.");

    public static readonly DiagnosticDescriptor InvalidMapping = Error("PIPE049",
        "Invalid mapped task",
        "Task '{0}' {1}. {2}");
}
