namespace Pipelines.Generators.Model;

/// <summary>Where the pipeline class lives, so the emitter can reopen it as a partial.</summary>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="Name">The class name.</param>
/// <param name="FullyQualifiedName">The name as <c>global::A.B.C</c>, for <c>typeof</c>.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first, as declaration heads such as <c>partial class Outer</c>.</param>
/// <param name="IsStatic">Whether the class is static (then every task is static).</param>
/// <param name="Keyword">The declaration keyword: <c>class</c> or <c>record</c>.</param>
internal sealed record TypeSpec(
    string Namespace,
    string Name,
    string FullyQualifiedName,
    EquatableArray<string> ContainingTypes,
    bool IsStatic,
    string Keyword);
