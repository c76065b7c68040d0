using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// What one syntax tree declares, as <see cref="DeclarationChanges"/> compares it and <see cref="ReachedNames"/> follows it:
/// its types (classes, records, structs, interfaces, enums and delegates, nested ones too) by a key that pairs a type with
/// itself in an edited version of the file, the namespaces it names, the parts that bind names in every file of the
/// compilation (global usings, assembly and module attributes) and the parts that bind names in this file only (other
/// usings and extern aliases, <c>#nullable</c> directives, top-level statements). Read once per tree object: a file the
/// edit did not touch is the same tree in the next compilation.
/// </summary>
internal sealed class TreeDeclarations
{
    private static readonly ConditionalWeakTable<SyntaxTree, TreeDeclarations> s_cache = new();

    private readonly List<SyntaxNode> _everyFile = [];
    private readonly List<SyntaxNode> _thisFile = [];
    private readonly List<string> _nullableDirectives = [];
    private Lookup? _lookup;
    private string? _text;
    private bool? _searchable;
    private string[]? _everyFileIdentifiers;
    private string[]? _usingIdentifiers;

    private TreeDeclarations(SyntaxTree tree)
    {
        Tree = tree;
        var root = tree.GetRoot();
        var types = new Dictionary<string, DeclaredType>(StringComparer.Ordinal);
        var namespaces = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        if (root is CompilationUnitSyntax unit)
        {
            // A file's usings bind its assembly attributes' arguments too, so in a file with assembly attributes they count
            // for every file.
            var fileUsings = unit.AttributeLists.Count > 0 ? _everyFile : _thisFile;
            foreach (var alias in unit.Externs) fileUsings.Add(alias);
            foreach (var directive in unit.Usings) (directive.GlobalKeyword.IsKind(SyntaxKind.None) ? fileUsings : _everyFile).Add(directive);
            foreach (var list in unit.AttributeLists) _everyFile.Add(list);
            Members(unit.Members, "", ImmutableArray<string>.Empty, types, namespaces);
        }
        Types = types;
        Namespaces = namespaces.ToImmutable();
        if (root.ContainsDirectives)
        {
            List<int>? starts = null;
            for (var directive = ((CSharpSyntaxNode)root).GetFirstDirective(); directive is not null; directive = directive.GetNextDirective())
            {
                if (directive is not NullableDirectiveTriviaSyntax) continue;
                // With where it stands among the declarations: a directive moved across one changes that one's context.
                starts ??= root.DescendantNodes(static n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)).OfType<MemberDeclarationSyntax>().Select(m => m.SpanStart).ToList();
                var before = starts.Count(start => start < directive.SpanStart);
                _nullableDirectives.Add(before + ":" + directive);
            }
        }
    }

    public static TreeDeclarations Of(SyntaxTree tree) => s_cache.GetValue(tree, static t => new TreeDeclarations(t));

    public SyntaxTree Tree { get; }

    /// <summary>The tree's types by a key made of their containing namespaces and types, kind, name, arity and order.</summary>
    public IReadOnlyDictionary<string, DeclaredType> Types { get; }

    /// <summary>Every part of every namespace name the tree declares.</summary>
    public ImmutableHashSet<string> Namespaces { get; }

    /// <summary>Whether the tree has a global using or an assembly or module attribute.</summary>
    public bool BindsForEveryFile => _everyFile.Count > 0;

    /// <summary>Whether what binds names in every file (global usings, assembly attributes) is the same in both trees.</summary>
    public bool SameForEveryFile(TreeDeclarations other) => SameNodes(_everyFile, other._everyFile);

    /// <summary>
    /// Whether what binds names in this file only is the same in both trees: usings and extern aliases (the file's and its
    /// namespaces'), <c>#nullable</c> directives (the compiler's top-level comparison misses them in field initializers) and
    /// top-level statements.
    /// </summary>
    public bool SameForThisFile(TreeDeclarations other) =>
        SameNodes(_thisFile, other._thisFile) && _nullableDirectives.SequenceEqual(other._nullableDirectives, StringComparer.Ordinal);

    /// <summary>
    /// Declarations at least this long (in characters) are searched as text for a name instead of having their
    /// identifiers read (<see cref="DeclaredType.MayMention"/>): a pipeline class of thousands of tasks would otherwise
    /// cost a walk over all its tokens the first time a declaration elsewhere changes. Tests lower it to exercise both ways.
    /// </summary>
    internal static int LargeDeclaration = 64 * 1024;

    /// <summary>
    /// Whether the tree's declarations may mention <paramref name="name"/>: one of the identifiers of its usings, assembly
    /// attributes, namespaces and types, or, in a large type, the name anywhere in its text (in a body, a comment or a longer
    /// word too, which only costs a model built again).
    /// </summary>
    public bool MayMention(string name)
    {
        var (small, large) = _lookup ??= ReadLookup();
        if (small.Contains(name)) return true;
        foreach (var type in large)
        {
            if (type.MayMention(name)) return true;
        }
        return false;
    }

    /// <summary>The tree's text, read once, for searching large declarations.</summary>
    public string Text => _text ??= Tree.GetText().ToString();

    /// <summary>
    /// Whether the tree's text can be searched for names: an identifier written with a Unicode escape (<c>\u0041</c>), or
    /// holding a formatting character (which the compiler leaves out of its name), does not appear as its name in the text.
    /// </summary>
    public bool Searchable => _searchable ??= Text.IndexOf("\\u", StringComparison.Ordinal) < 0 && Text.IndexOf("\\U", StringComparison.Ordinal) < 0 && !HasFormattingCharacter(Text);

    private static bool HasFormattingCharacter(string text)
    {
        foreach (var c in text)
        {
            if (c > 127 && char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format) return true;
        }
        return false;
    }

    /// <summary>The names read from small declarations, and the large declarations, searched when asked.</summary>
    private sealed record Lookup(HashSet<string> Small, List<DeclaredType> Large);

    private Lookup ReadLookup()
    {
        var small = new HashSet<string>(UsingIdentifiers, StringComparer.Ordinal);
        small.UnionWith(EveryFileIdentifiers);
        small.UnionWith(Namespaces);
        var large = new List<DeclaredType>();
        foreach (var type in Types.Values)
        {
            // A nested type's identifiers are its containing type's too.
            if (!type.Containing.IsEmpty) continue;
            if (type.IsLarge) large.Add(type);
            else small.UnionWith(type.Identifiers);
        }
        return new Lookup(small, large);
    }

    /// <summary>
    /// The identifiers in the file's own usings and extern aliases (its namespaces' too): a type declared here binds the
    /// names of its declaration through them (<c>using B = Acme.Sized;</c>, <c>using static Acme.Consts;</c>).
    /// </summary>
    public string[] UsingIdentifiers =>
        _usingIdentifiers ??= _thisFile.Concat(_everyFile).Where(static n => n is not (GlobalStatementSyntax or AttributeListSyntax))
            .SelectMany(IdentifiersOf).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The identifiers in what binds names in every file: an assembly attribute's arguments can name constants of any type
    /// (<c>[assembly: Pool(PoolNames.Vendor)]</c>), and the pools and calendars it declares are part of every model.
    /// </summary>
    public string[] EveryFileIdentifiers =>
        _everyFileIdentifiers ??= _everyFile.Count == 0 ? [] : _everyFile.SelectMany(IdentifiersOf).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The identifiers of one declaration, outside code blocks and expression bodies: the names it can bind to. An
    /// attribute's name is taken with the <c>Attribute</c> suffix too, which it can leave out.
    /// </summary>
    public static string[] IdentifiersOf(SyntaxNode node)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in node.DescendantTokens(static n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)))
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken)) continue;
            var name = token.ValueText;
            if (names.Add(name) && InAttributeName(token)) names.Add(name + "Attribute");
        }
        return names.ToArray();
    }

    private static bool InAttributeName(SyntaxToken token)
    {
        var node = token.Parent;
        while (node is NameSyntax) node = node.Parent;
        return node is AttributeSyntax;
    }

    /// <summary>The documentation comment of each declaration in <paramref name="type"/>'s own members, in order.</summary>
    public static bool SameDocumentation(SyntaxNode type, SyntaxNode other)
    {
        using var before = Documented(type).GetEnumerator();
        using var after = Documented(other).GetEnumerator();
        while (true)
        {
            var more = before.MoveNext();
            if (more != after.MoveNext()) return false;
            if (!more) return true;
            if (!string.Equals(Documentation(before.Current), Documentation(after.Current), StringComparison.Ordinal)) return false;
        }
    }

    private void Members(SyntaxList<MemberDeclarationSyntax> members, string path, ImmutableArray<string> containing, Dictionary<string, DeclaredType> types, ImmutableHashSet<string>.Builder namespaces)
    {
        foreach (var member in members)
        {
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    foreach (var alias in ns.Externs) _thisFile.Add(alias);
                    foreach (var directive in ns.Usings) _thisFile.Add(directive);
                    var name = ns.Name.ToString();
                    // Each part as the compiler names it (ValueText: no '@', no formatting characters).
                    foreach (var token in ns.Name.DescendantTokens())
                    {
                        if (token.IsKind(SyntaxKind.IdentifierToken)) namespaces.Add(token.ValueText);
                    }
                    Members(ns.Members, path + "N:" + name + "/", containing, types, namespaces);
                    break;
                case BaseTypeDeclarationSyntax type:
                    Add(type, type.Identifier.ValueText, (type as TypeDeclarationSyntax)?.Arity ?? 0, path, containing, types);
                    if (type is TypeDeclarationSyntax withMembers)
                        Members(withMembers.Members, path + Key(type, type.Identifier.ValueText, withMembers.Arity) + "/", containing.Add(type.Identifier.ValueText), types, namespaces);
                    break;
                case DelegateDeclarationSyntax @delegate:
                    Add(@delegate, @delegate.Identifier.ValueText, @delegate.Arity, path, containing, types);
                    break;
                case GlobalStatementSyntax statement:
                    _thisFile.Add(statement);
                    break;
            }
        }
    }

    private static void Add(MemberDeclarationSyntax node, string name, int arity, string path, ImmutableArray<string> containing, Dictionary<string, DeclaredType> types)
    {
        var key = path + Key(node, name, arity);
        // Two declarations with the same key (partial parts in one file, or an error) are told apart by their order.
        var unique = key;
        for (var i = 1; types.ContainsKey(unique); i++) unique = key + "#" + i;
        types.Add(unique, new DeclaredType(name, node, containing));
    }

    private static string Key(SyntaxNode node, string name, int arity) => node.Kind() + ":" + name + "`" + arity;

    private static bool SameNodes(List<SyntaxNode> before, List<SyntaxNode> after)
    {
        if (before.Count != after.Count) return false;
        for (var i = 0; i < before.Count; i++)
        {
            if (!SyntaxFactory.AreEquivalent(before[i], after[i], topLevel: false)) return false;
        }
        return true;
    }

    private static IEnumerable<MemberDeclarationSyntax> Documented(SyntaxNode type)
    {
        if (type is MemberDeclarationSyntax self) yield return self;
        if (type is EnumDeclarationSyntax @enum)
        {
            foreach (var member in @enum.Members) yield return member;
            yield break;
        }
        if (type is not TypeDeclarationSyntax withMembers) yield break;
        foreach (var member in withMembers.Members)
        {
            // A nested type is compared as a type of its own.
            if (member is not (BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)) yield return member;
        }
    }

    /// <summary>The documentation comment before a declaration, as written, or null.</summary>
    public static string? Documentation(MemberDeclarationSyntax declaration)
    {
        if (!declaration.HasLeadingTrivia) return null;
        StringBuilder? text = null;
        foreach (var trivia in declaration.GetLeadingTrivia())
        {
            if (trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) || trivia.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia))
                (text ??= new StringBuilder()).Append(trivia.ToFullString());
        }
        return text?.ToString();
    }
}

/// <summary>A type a syntax tree declares: its simple name, its declaration and the names of the types containing it.</summary>
internal sealed class DeclaredType(string name, MemberDeclarationSyntax node, ImmutableArray<string> containing)
{
    private string[]? _identifiers;

    public string Name { get; } = name;

    public MemberDeclarationSyntax Node { get; } = node;

    public ImmutableArray<string> Containing { get; } = containing;

    /// <summary>The identifiers of the declaration (<see cref="TreeDeclarations.IdentifiersOf"/>), read once.</summary>
    public string[] Identifiers => _identifiers ??= TreeDeclarations.IdentifiersOf(Node);

    /// <summary>Whether the declaration is searched as text rather than read (<see cref="TreeDeclarations.LargeDeclaration"/>).</summary>
    public bool IsLarge => Node.Span.Length >= TreeDeclarations.LargeDeclaration && TreeDeclarations.Of(Node.SyntaxTree).Searchable;

    /// <summary>
    /// Whether the declaration may mention <paramref name="name"/>: one of its identifiers, or for a large declaration, the
    /// name anywhere in its text (an attribute class's name also without its <c>Attribute</c> suffix). Answers are kept.
    /// </summary>
    public bool MayMention(string name)
    {
        if (!IsLarge) return Array.IndexOf(Identifiers, name) >= 0;
        lock (_searched)
        {
            if (_searched.TryGetValue(name, out var found)) return found;
        }
        var text = TreeDeclarations.Of(Node.SyntaxTree).Text;
        var mentioned = Contains(text, name)
            || (name.Length > "Attribute".Length && name.EndsWith("Attribute", StringComparison.Ordinal) && Contains(text, name.Substring(0, name.Length - "Attribute".Length)));
        lock (_searched) _searched[name] = mentioned;
        return mentioned;
    }

    private readonly Dictionary<string, bool> _searched = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the declaration's text holds <paramref name="word"/> as a whole word: not next to a letter, digit or
    /// underscore, which an identifier token never is (so no identifier is missed; other words only cost a rebuild).
    /// </summary>
    private bool Contains(string text, string word)
    {
        // A missing name (half-typed code) reads as "" and "Attribute", which no text holds.
        if (word.Length == 0 || word == "Attribute") return true;
        var span = Node.Span;
        var end = span.End;
        for (var at = text.IndexOf(word, span.Start, span.Length, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, end - at - 1, StringComparison.Ordinal))
        {
            var after = at + word.Length;
            if (StartsWord(text, at) && (after >= text.Length || !IsWordCharacter(text[after]))) return true;
            if (after >= end) break;
        }
        return false;
    }

    private static bool IsWordCharacter(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>
    /// Whether an identifier token can start at <paramref name="at"/>: nothing word-like before it, or a number just
    /// before it (<c>1x</c>, <c>0x1Fg</c>, <c>1.0fx</c> lex as a number and an identifier, in code that does not compile).
    /// </summary>
    private static bool StartsWord(string text, int at)
    {
        if (at == 0 || !IsWordCharacter(text[at - 1])) return true;
        var start = at - 1;
        while (start > 0 && (IsWordCharacter(text[start - 1]) || text[start - 1] == '.')) start--;
        return char.IsDigit(text[start]) || text[start] == '.';
    }
}
