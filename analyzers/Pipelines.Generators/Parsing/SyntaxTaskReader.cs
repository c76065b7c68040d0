using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// A task method's attributes read from its syntax: only <c>[PipelineTask]</c>, without arguments or with settings of
/// literal values (<see cref="ReadSettings"/>), and <c>[DependsOn]</c> whose ids are string literals or <c>nameof(Member)</c>. Asking a method symbol for its attributes binds every one of
/// them, and the generator's model step runs on every compilation: at 2,000 tasks and 20,000 ids that binding was most
/// of its time. The reader only answers when the answer is provably what binding gives; otherwise it returns null and
/// the parser binds the method's attributes as before.
/// </summary>
/// <remarks>
/// What makes the syntax's meaning certain:
/// <list type="bullet">
/// <item>The method is ordinary, non-generic, declared once, with no syntax errors in its attribute lists, and every
/// list has no target (<c>[return: ...]</c> falls back). Without type parameters the attribute's scope is the class
/// body's, but for the method's parameters, which C# 11 lets <c>nameof</c> name: <c>nameof(X)</c> of a parameter X is
/// "X" just as it is of a method X, so they change no value read here. (The parameters' own attributes, such as
/// <c>[FromTask]</c>, are the parser's to read, as before.)</item>
/// <item>Each attribute's name is a plain identifier (not <c>@Name</c>, not qualified or generic) that resolves, by the
/// compiler's rule of looking up the name and the name plus "Attribute", to our type: one lookup finds exactly our type
/// and the other finds nothing at all. Anything else on the method (another attribute, a <c>[PipelineTask]</c> setting
/// that is not a literal of the setting's own type, a second <c>[PipelineTask]</c>) falls back.</item>
/// <item>A string literal is a plain <c>"..."</c> token without errors; its value is the token's value.</item>
/// <item><c>nameof(X)</c>: no symbol named <c>nameof</c> is in scope (else it would be a call), and the pipeline type
/// itself has members named X, all methods, so the lookup stops there and binds; the value is X. The pipeline
/// type and its containers are not generic, so no type parameter can shadow X.</item>
/// <item><c>[DependsOn]</c>'s only constructor takes <c>params string[]</c> and <c>[PipelineTask]</c>'s only constructor
/// takes nothing, so there is no overload to choose.</item>
/// </list>
/// Name lookups are done once per declaration of the class (each file has its own usings).
/// </remarks>
internal sealed class SyntaxTaskReader
{
    private readonly INamedTypeSymbol _type;
    private readonly KnownSymbols _known;
    private readonly bool _usable;
    private readonly Dictionary<SyntaxNode, Scope?> _scopes = new();
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = new();

    public SyntaxTaskReader(INamedTypeSymbol type, KnownSymbols known)
    {
        _type = type;
        _known = known;
        _usable = known.PipelineTaskAttribute is { } task && known.DependsOnAttribute is { } dependsOn
            && OnlyConstructor(task) is { Parameters.Length: 0 }
            && OnlyConstructor(dependsOn) is { Parameters.Length: 1 } constructor
            && constructor.Parameters[0] is { IsParams: true, Type: IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_String } }
            && !IsGenericOrInGeneric(type);
        _inputsUsable = _usable && known.FromTaskAttribute is { } fromTask
            && OnlyConstructor(fromTask) is { Parameters.Length: 1 } fromTaskConstructor
            && fromTaskConstructor.Parameters[0] is { IsParams: false, Type.SpecialType: SpecialType.System_String };
    }

    private readonly bool _inputsUsable;

    /// <summary>The task's attributes from syntax, or null when they must be bound (including when it is no task).</summary>
    public SyntaxTask? TryRead(IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (!_usable || method.MethodKind != MethodKind.Ordinary || method.IsGenericMethod) return null;
        // A parameter named nameof: whether it makes nameof(X) a call in the method's attributes is the compiler's to say.
        foreach (var parameter in method.Parameters)
        {
            if (parameter.Name == "nameof") return null;
        }
        // A partial method's attributes are merged from both its parts.
        if (method.PartialDefinitionPart is not null || method.PartialImplementationPart is not null) return null;
        var references = method.DeclaringSyntaxReferences;
        if (references.Length != 1 || references[0].GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration) return null;
        if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword)) return null;
        if (declaration.AttributeLists.Count == 0 || declaration.Parent is not TypeDeclarationSyntax part) return null;

        Scope? scope = null;
        var isTask = false;
        NamedArguments? settings = null;
        List<(string Id, ExpressionSyntax Element)>? dependsOn = null;
        foreach (var list in declaration.AttributeLists)
        {
            if (list.Target is not null || list.ContainsDiagnostics) return null;
            foreach (var attribute in list.Attributes)
            {
                if (attribute.Name is not IdentifierNameSyntax { Identifier: var identifier } || identifier.IsVerbatimIdentifier() || identifier.IsMissing) return null;
                scope ??= ScopeOf(part, cancellationToken);
                if (scope is null) return null;
                var resolved = scope.Resolve(identifier.ValueText);
                if (resolved is null) return null;
                if (KnownSymbols.Is(resolved, _known.PipelineTaskAttribute))
                {
                    if (isTask) return null;
                    isTask = true;
                    if (attribute.ArgumentList is { Arguments.Count: > 0 } taskArguments)
                    {
                        settings = ReadSettings(taskArguments, attribute, scope);
                        if (settings is null) return null;
                    }
                }
                else if (KnownSymbols.Is(resolved, _known.DependsOnAttribute))
                {
                    if (attribute.ArgumentList is not { Arguments.Count: > 0 } arguments) return null;
                    dependsOn ??= new List<(string, ExpressionSyntax)>(arguments.Arguments.Count);
                    foreach (var argument in arguments.Arguments)
                    {
                        if (argument.NameEquals is not null || argument.NameColon is not null) return null;
                        if (IdOf(argument.Expression, scope) is not { } id) return null;
                        dependsOn.Add((id, argument.Expression));
                    }
                }
                else return null;
            }
        }
        if (!isTask) return null;
        return new SyntaxTask(dependsOn ?? s_none, settings ?? NamedArguments.None, ReadInputs(declaration, method, part, cancellationToken));
    }

    /// <summary>
    /// The parameters' <c>[FromTask]</c> ids, one entry per parameter (null for a parameter without attributes), when
    /// every parameter has no attributes or only <c>[FromTask]</c> of a string literal or <c>nameof</c>, as
    /// <see cref="IdOf"/> reads them; null when any must be bound (<c>[MapOver]</c>, <c>[RunParameters]</c>, anything else).
    /// </summary>
    private List<(string Id, ExpressionSyntax Element)?>? ReadInputs(MethodDeclarationSyntax declaration, IMethodSymbol method, TypeDeclarationSyntax part, CancellationToken cancellationToken)
    {
        var syntax = declaration.ParameterList.Parameters;
        if (syntax.Count != method.Parameters.Length) return null;
        var inputs = new List<(string Id, ExpressionSyntax Element)?>(syntax.Count);
        foreach (var parameter in syntax)
        {
            if (parameter.AttributeLists.Count == 0)
            {
                inputs.Add(null);
                continue;
            }
            if (!_inputsUsable || parameter.AttributeLists.Count != 1 || parameter.AttributeLists[0] is not { Target: null, Attributes.Count: 1 } list || list.ContainsDiagnostics) return null;
            var attribute = list.Attributes[0];
            if (attribute.Name is not IdentifierNameSyntax { Identifier: var identifier } || identifier.IsVerbatimIdentifier() || identifier.IsMissing) return null;
            if (ScopeOf(part, cancellationToken) is not { } scope || !KnownSymbols.Is(scope.Resolve(identifier.ValueText), _known.FromTaskAttribute)) return null;
            if (attribute.ArgumentList is not { Arguments: { Count: 1 } arguments } || arguments[0].NameEquals is not null || arguments[0].NameColon is not null) return null;
            if (IdOf(arguments[0].Expression, scope) is not { } id) return null;
            inputs.Add((id, arguments[0].Expression));
        }
        return inputs;
    }

    /// <summary>
    /// <c>[PipelineTask]</c>'s named arguments, when each is certain from syntax: a plain name, written once, of a public
    /// settable instance property of the attribute of type <c>int</c>, <c>bool</c> or <c>string</c>, set to a literal of
    /// exactly that type (an <c>int</c> literal, or one negated; <c>true</c> or <c>false</c>; a <c>"..."</c> string), or
    /// of an <c>int</c>-based enum type set to <c>Enum.Member</c> where the name binds to exactly that enum in the class's
    /// scope. Anything else (a constant, a cast, a conversion such as a <c>char</c> for an <c>int</c>) is bound.
    /// </summary>
    private NamedArguments? ReadSettings(AttributeArgumentListSyntax list, AttributeSyntax attribute, Scope scope)
    {
        var all = new List<NamedArgument>(list.Arguments.Count);
        foreach (var argument in list.Arguments)
        {
            if (argument.NameColon is not null || argument.NameEquals is not { Name.Identifier: var name } || name.IsMissing || name.IsVerbatimIdentifier()) return null;
            var setting = name.ValueText;
            foreach (var earlier in all)
            {
                if (earlier.Name == setting) return null;
            }
            if (SettingType(setting) is not { } type || ConstantOf(argument.Expression, type, scope) is not { } value) return null;
            all.Add(new NamedArgument(setting, value, IsError: false, argument.Expression.GetLocation()));
        }
        return new NamedArguments(all, attribute.GetLocation());
    }

    /// <summary>The type of <c>[PipelineTask]</c>'s setting <paramref name="name"/>, when it is one the reader reads.</summary>
    private ITypeSymbol? SettingType(string name)
    {
        if (_settingTypes.TryGetValue(name, out var known)) return known;
        ITypeSymbol? type = null;
        var members = _known.PipelineTaskAttribute!.GetMembers(name);
        if (members.Length == 1 && members[0] is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, IsIndexer: false,
                SetMethod: { DeclaredAccessibility: Accessibility.Public } } property
            && (property.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Boolean or SpecialType.System_String
                || property.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType.SpecialType: SpecialType.System_Int32 }))
        {
            type = property.Type;
        }
        _settingTypes.Add(name, type);
        return type;
    }

    private readonly Dictionary<string, ITypeSymbol?> _settingTypes = new(System.StringComparer.Ordinal);

    /// <summary>The value of a literal of exactly <paramref name="type"/> (an enum member's as its underlying <c>int</c>, as binding gives it), boxed; null for anything else.</summary>
    private static object? ConstantOf(ExpressionSyntax expression, ITypeSymbol type, Scope scope)
    {
        if (expression.ContainsDiagnostics) return null;
        if (type.TypeKind == TypeKind.Enum)
        {
            if (expression is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier: var typeName }, Name: IdentifierNameSyntax { Identifier: var memberName } }
                || !expression.IsKind(SyntaxKind.SimpleMemberAccessExpression) || typeName.IsVerbatimIdentifier() || memberName.IsVerbatimIdentifier()) return null;
            if (!KnownSymbols.Is(scope.Single(typeName.ValueText), (INamedTypeSymbol)type)) return null;
            var fields = type.GetMembers(memberName.ValueText);
            return fields.Length == 1 && fields[0] is IFieldSymbol { HasConstantValue: true, ConstantValue: int value } ? value : null;
        }
        switch (type.SpecialType)
        {
            case SpecialType.System_Int32:
                if (expression is LiteralExpressionSyntax { Token.Value: int number } literal && literal.IsKind(SyntaxKind.NumericLiteralExpression)) return number;
                if (expression is PrefixUnaryExpressionSyntax { OperatorToken.RawKind: (int)SyntaxKind.MinusToken, Operand: LiteralExpressionSyntax { Token.Value: int negated } operand }
                    && expression.IsKind(SyntaxKind.UnaryMinusExpression) && operand.IsKind(SyntaxKind.NumericLiteralExpression))
                    return -negated;
                return null;
            case SpecialType.System_Boolean:
                return expression.IsKind(SyntaxKind.TrueLiteralExpression) ? true : expression.IsKind(SyntaxKind.FalseLiteralExpression) ? false : null;
            case SpecialType.System_String:
                return expression is LiteralExpressionSyntax { Token: { Value: string text } token } && expression.IsKind(SyntaxKind.StringLiteralExpression) && token.IsKind(SyntaxKind.StringLiteralToken)
                    ? text
                    : null;
            default:
                return null;
        }
    }

    private static readonly List<(string Id, ExpressionSyntax Element)> s_none = new();

    /// <summary>The task id a <c>[DependsOn]</c> argument spells, when its value is certain from syntax.</summary>
    private string? IdOf(ExpressionSyntax expression, Scope scope)
    {
        if (expression is LiteralExpressionSyntax literal)
        {
            var token = literal.Token;
            return literal.IsKind(SyntaxKind.StringLiteralExpression) && token.IsKind(SyntaxKind.StringLiteralToken) && !token.ContainsDiagnostics
                ? token.ValueText
                : null;
        }
        if (expression is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "nameof" }, ArgumentList.Arguments: { Count: 1 } nameofArguments }
            && nameofArguments[0] is { NameColon: null, RefKindKeyword.RawKind: 0, Expression: IdentifierNameSyntax { Identifier: var name } }
            && !scope.NameofIsBound && !name.IsMissing && name.ValueText.Length > 0)
        {
            return MethodNames.Contains(name.ValueText) ? name.ValueText : null;
        }
        return null;
    }

    /// <summary>
    /// The names of the pipeline type's members whose members of that name are all ordinary methods: what
    /// <c>GetMembers(name)</c> would say for each id, from one pass over the members instead of an array per id.
    /// </summary>
    private HashSet<string> MethodNames
    {
        get
        {
            if (_methodNames is null)
            {
                var others = new HashSet<string>(System.StringComparer.Ordinal);
                _methodNames = new HashSet<string>(System.StringComparer.Ordinal);
                foreach (var member in _type.GetMembers())
                {
                    // Only ordinary methods: nameof of an accessor or operator (get_X, op_Addition) is an error whose
                    // value some compilers drop (Roslyn 4.8), so it is left to binding.
                    if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary }) _methodNames.Add(member.Name);
                    else others.Add(member.Name);
                }
                _methodNames.ExceptWith(others);
            }
            return _methodNames;
        }
    }

    private HashSet<string>? _methodNames;

    private Scope? ScopeOf(TypeDeclarationSyntax part, CancellationToken cancellationToken)
    {
        if (_scopes.TryGetValue(part, out var scope)) return scope;
        scope = null;
        if (!part.OpenBraceToken.IsMissing)
        {
            var tree = part.SyntaxTree;
            if (!_models.TryGetValue(tree, out var model))
            {
                model = _known.Compilation.GetSemanticModel(tree);
                _models.Add(tree, model);
            }
            scope = new Scope(model, part.OpenBraceToken.Span.End, cancellationToken);
        }
        _scopes.Add(part, scope);
        return scope;
    }

    private static IMethodSymbol? OnlyConstructor(INamedTypeSymbol type) =>
        type.InstanceConstructors.Length == 1 && !type.IsAbstract && !type.IsGenericType ? type.InstanceConstructors[0] : null;

    private static bool IsGenericOrInGeneric(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType) return true;
        }
        return false;
    }

    /// <summary>Name lookups inside one declaration of the pipeline class, each done once.</summary>
    private sealed class Scope
    {
        private readonly SemanticModel _model;
        private readonly int _position;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<string, INamedTypeSymbol?> _attributes = new(System.StringComparer.Ordinal);

        public Scope(SemanticModel model, int position, CancellationToken cancellationToken)
        {
            _model = model;
            _position = position;
            _cancellationToken = cancellationToken;
            NameofIsBound = !Lookup("nameof").IsEmpty;
        }

        /// <summary>Whether some symbol named <c>nameof</c> is in scope, which would make <c>nameof(X)</c> a call.</summary>
        public bool NameofIsBound { get; }

        /// <summary>The attribute type an attribute name binds to, when exactly one of the name and the name plus "Attribute" finds anything, and that is one type.</summary>
        public INamedTypeSymbol? Resolve(string name)
        {
            if (_attributes.TryGetValue(name, out var type)) return type;
            var exact = Lookup(name);
            var suffixed = Lookup(name + "Attribute");
            type = exact.IsEmpty && suffixed.Length == 1 ? suffixed[0] as INamedTypeSymbol
                : suffixed.IsEmpty && exact.Length == 1 ? exact[0] as INamedTypeSymbol
                : null;
            _attributes.Add(name, type);
            return type;
        }

        /// <summary>The one symbol a simple name binds to in the class's scope, or null when it binds to none or several.</summary>
        public ISymbol? Single(string name)
        {
            var found = Lookup(name);
            return found.Length == 1 ? found[0] : null;
        }

        private System.Collections.Immutable.ImmutableArray<ISymbol> Lookup(string name)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            return _model.LookupSymbols(_position, container: null, name: name);
        }
    }
}

/// <summary>A task method's attributes as <see cref="SyntaxTaskReader"/> read them.</summary>
internal sealed class SyntaxTask
{
    public SyntaxTask(List<(string Id, ExpressionSyntax Element)> dependsOn, NamedArguments settings, List<(string Id, ExpressionSyntax Element)?>? inputs)
    {
        DependsOn = dependsOn;
        Settings = settings;
        Inputs = inputs;
    }

    /// <summary>
    /// Per parameter, its <c>[FromTask]</c> id and argument, or null for a parameter without attributes; null when the
    /// parameters' attributes must be bound.
    /// </summary>
    public List<(string Id, ExpressionSyntax Element)?>? Inputs { get; }

    /// <summary>The <c>[PipelineTask]</c> attribute's named arguments.</summary>
    public NamedArguments Settings { get; }

    /// <summary>The ids of every <c>[DependsOn]</c>, in declaration order, each with its argument.</summary>
    public List<(string Id, ExpressionSyntax Element)> DependsOn { get; }
}
