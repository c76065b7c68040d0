using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// The attributes of one pipeline's task parameters, for the parser's questions about them (<c>[MapOver]</c>,
/// <c>[RunParameters]</c>): a parameter of a task that <see cref="SyntaxTaskReader"/> read with its inputs carries
/// <c>[FromTask]</c> or nothing, which the syntax already says, so asking it for another attribute binds nothing. Every
/// other parameter is asked as before. Per parse: the analyzer parses pipelines concurrently.
/// </summary>
internal sealed class ParameterFacts(KnownSymbols known)
{
    private readonly HashSet<IParameterSymbol> _fromSyntax = new(SymbolEqualityComparer.Default);

    /// <summary>The parameters of <paramref name="method"/> carry no attribute but <c>[FromTask]</c>.</summary>
    public void ReadFromSyntax(IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters) _fromSyntax.Add(parameter);
    }

    /// <summary>The parameter's attribute of type <paramref name="attributeType"/>, as <see cref="KnownSymbols.Find"/> gives it.</summary>
    public AttributeData? Find(IParameterSymbol parameter, INamedTypeSymbol? attributeType) =>
        attributeType is null || _fromSyntax.Contains(parameter) && !KnownSymbols.Is(attributeType, known.FromTaskAttribute)
            ? null
            : known.Find(parameter, attributeType);
}
