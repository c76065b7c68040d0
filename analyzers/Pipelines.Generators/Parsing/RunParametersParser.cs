using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Reads a pipeline's run parameters record (<c>Parameters = typeof(T)</c> or a <c>[RunParameters] T</c> task parameter)
/// into a <see cref="RunParametersSpec"/>, reporting members the runtime could not fill from <c>key=value</c> text.
/// </summary>
internal static class RunParametersParser
{
    private static readonly SymbolDisplayFormat s_messageFormat = PipelineParser.s_messageFormat;

    /// <param name="type">The record.</param>
    /// <param name="where">Where the pipeline names the type: reported on when a member has no source location of its own.</param>
    /// <param name="scheduled">Whether the pipeline has a schedule, so every member needs a default.</param>
    public static RunParametersSpec? Parse(ITypeSymbol type, Location where, string pipelineId, bool scheduled, KnownSymbols known, DiagnosticReporter report, ref bool blocked, CancellationToken cancellationToken)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            blocked = true;
            return null;
        }
        var display = type.ToDisplayString(s_messageFormat);
        if (type is not INamedTypeSymbol named || !named.IsRecord)
        {
            report(DiagnosticDescriptors.InvalidRunParametersType, where, new object?[] { display, "it is not a record", "Declare it as a record, such as 'public sealed record PriceParams(IReadOnlyList<string> Symbols, bool DryRun = false)'." });
            return null;
        }
        if (named.IsAbstract || named.IsGenericType || named.IsStatic)
        {
            var reason = named.IsGenericType ? "it is generic" : "it is abstract";
            report(DiagnosticDescriptors.InvalidRunParametersType, where, new object?[] { display, reason, "Use a concrete, non-generic record." });
            return null;
        }

        // The constructor with the most parameters that is not the record's copy constructor: the primary one.
        IMethodSymbol? constructor = null;
        foreach (var candidate in named.InstanceConstructors)
        {
            if (candidate.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal)) continue;
            if (candidate.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(candidate.Parameters[0].Type, named)) continue;
            if (constructor is null || candidate.Parameters.Length > constructor.Parameters.Length) constructor = candidate;
        }
        if (constructor is null)
        {
            report(DiagnosticDescriptors.InvalidRunParametersType, where, new object?[] { display, "it has no public or internal constructor", "Add one, or use a positional record." });
            return null;
        }

        var members = ImmutableArray.CreateBuilder<RunParameterMemberSpec>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ok = true;
        var documentation = Documentation(named, cancellationToken);
        foreach (var parameter in constructor.Parameters)
        {
            names.Add(parameter.Name);
            var property = FindProperty(named, parameter.Name);
            var attributes = parameter.GetAttributes().Concat(property?.GetAttributes() ?? ImmutableArray<AttributeData>.Empty).ToList();
            var location = parameter.Locations.FirstOrDefault(l => l.IsInSource) ?? where;
            var member = Member(parameter.Name, parameter.Type, attributes, MemberBinding.Constructor, location, display, known, report, ref blocked);
            if (member is null) { ok = false; continue; }

            string? defaultText = null, enumValue = null;
            var hasDefault = parameter.HasExplicitDefaultValue;
            if (hasDefault) (defaultText, enumValue) = DefaultText(parameter.ExplicitDefaultValue, parameter.Type);
            var mustBeGiven = !hasDefault && !member.Nullable;
            documentation.TryGetValue(parameter.Name, out var paramDoc);
            members.Add(Finish(member, mustBeGiven, defaultText, enumValue, paramDoc ?? Summary(property, cancellationToken)));
        }

        foreach (var symbol in named.GetMembers())
        {
            if (symbol is not IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, SetMethod: { DeclaredAccessibility: Accessibility.Public } } property) continue;
            if (names.Contains(property.Name) || property.Name == "EqualityContract") continue;
            var location = property.Locations.FirstOrDefault(l => l.IsInSource) ?? where;
            var binding = property.IsRequired ? MemberBinding.RequiredProperty : MemberBinding.Property;
            var member = Member(property.Name, property.Type, property.GetAttributes().ToList(), binding, location, display, known, report, ref blocked);
            if (member is null) { ok = false; continue; }

            // A property's default is its initializer; one the compiler can evaluate is stored and shown, any other is
            // left to the record (the binding sets the property only when a value was given).
            string? defaultText = null, enumValue = null;
            var initializer = Initializer(property, cancellationToken);
            if (initializer is not null)
            {
                var model = known.Compilation.GetSemanticModel(initializer.SyntaxTree);
                var constant = model.GetConstantValue(initializer, cancellationToken);
                if (constant.HasValue) (defaultText, enumValue) = DefaultText(constant.Value, property.Type);
            }
            else if (!property.IsRequired && property.Type.IsValueType && !member.Nullable && member.List == ListShape.None)
            {
                (defaultText, enumValue) = DefaultText(ZeroOf(property.Type), property.Type);
            }
            var mustBeGiven = property.IsRequired && !member.Nullable;
            members.Add(Finish(member, mustBeGiven, defaultText, enumValue, Summary(property, cancellationToken)));
        }
        if (!ok) return null;

        var spec = new RunParametersSpec(PipelineParser.TypeOfName(named), members.ToImmutable().ToEquatableArray());
        if (scheduled)
        {
            foreach (var member in spec.Members)
            {
                if (member.MustBeGiven || (member.RequiredAttribute && member.DefaultText is null))
                    report(DiagnosticDescriptors.RequiredRunParameterOnSchedule, where, new object?[] { pipelineId, member.Name, display });
            }
        }
        return spec;
    }

    private static RunParameterMemberSpec Finish(RunParameterMemberSpec member, bool mustBeGiven, string? defaultText, string? enumValue, string? description) =>
        member with
        {
            MustBeGiven = mustBeGiven,
            DefaultText = defaultText,
            DefaultEnumValue = enumValue,
            Description = member.Description ?? description,
        };

    /// <summary>The member's kind, list shape and constraints; null after reporting a type the runtime cannot fill.</summary>
    private static RunParameterMemberSpec? Member(string name, ITypeSymbol type, List<AttributeData> attributes, MemberBinding binding, Location location, string owner, KnownSymbols known, DiagnosticReporter report, ref bool blocked)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            blocked = true;
            return null;
        }
        var nullable = false;
        var element = type;
        var list = ListShape.None;
        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            element = array.ElementType;
            list = ListShape.Array;
        }
        else if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic && IsListInterface(generic, known))
        {
            element = generic.TypeArguments[0];
            list = ListShape.List;
        }
        else if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullableValue)
        {
            element = nullableValue.TypeArguments[0];
            nullable = true;
        }
        else if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
        {
            nullable = true;
        }
        if (list != ListShape.None && type.NullableAnnotation == NullableAnnotation.Annotated) nullable = true;

        var kind = KindOf(element, known);
        if (kind is null)
        {
            report(DiagnosticDescriptors.UnsupportedRunParameterType, location, new object?[] { name, owner, type.ToDisplayString(s_messageFormat) });
            return null;
        }

        var enumValues = kind == "Enum"
            ? element.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).Select(f => f.Name).ToImmutableArray()
            : ImmutableArray<string>.Empty;

        bool requiredAttribute = false;
        string? minimum = null, maximum = null, pattern = null, description = null;
        foreach (var attribute in attributes)
        {
            var cls = attribute.AttributeClass;
            if (KnownSymbols.Is(cls, known.RequiredAttribute)) requiredAttribute = true;
            else if (KnownSymbols.Is(cls, known.DescriptionAttribute) && attribute.ConstructorArguments.Length == 1) description = attribute.ConstructorArguments[0].Value as string;
            else if (KnownSymbols.Is(cls, known.RangeAttribute) && attribute.ConstructorArguments.Length >= 2)
            {
                var arguments = attribute.ConstructorArguments;
                var offset = arguments.Length == 3 ? 1 : 0;
                minimum = Number(arguments[offset].Value);
                maximum = Number(arguments[offset + 1].Value);
                if (!IsNumeric(kind))
                    report(DiagnosticDescriptors.InvalidRunParametersType, location, new object?[] { owner, $"[Range] is on '{name}', which is not a number", "Put [Range] on an int, long, decimal or double member, or remove it." });
            }
            else if (KnownSymbols.Is(cls, known.RegularExpressionAttribute) && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string regex)
            {
                pattern = regex;
                try
                {
                    _ = new Regex(regex, RegexOptions.CultureInvariant);
                }
                catch (ArgumentException ex)
                {
                    report(DiagnosticDescriptors.InvalidRunParametersType, location, new object?[] { owner, $"the [RegularExpression] pattern of '{name}' is invalid ({ex.Message.TrimEnd('.')})", "Fix the pattern." });
                }
            }
        }

        return new RunParameterMemberSpec(
            name, kind, PipelineParser.TypeOfName(element), list, nullable, binding,
            MustBeGiven: false, requiredAttribute, DefaultText: null, DefaultEnumValue: null,
            minimum, maximum, pattern, description, type.ToDisplayString(s_messageFormat), enumValues.ToEquatableArray());
    }

    private static bool IsNumeric(string kind) => kind is "Int32" or "Int64" or "Decimal" or "Double";

    private static string? KindOf(ITypeSymbol type, KnownSymbols known)
    {
        if (type.TypeKind == TypeKind.Enum) return "Enum";
        if (KnownSymbols.Is(type, known.LocalDate)) return "Date";
        return type.SpecialType switch
        {
            SpecialType.System_String => "String",
            SpecialType.System_Int32 => "Int32",
            SpecialType.System_Int64 => "Int64",
            SpecialType.System_Decimal => "Decimal",
            SpecialType.System_Double => "Double",
            SpecialType.System_Boolean => "Boolean",
            _ => null,
        };
    }

    /// <summary>A <c>List&lt;T&gt;</c> or an interface it implements that a caller reads a list through.</summary>
    private static bool IsListInterface(INamedTypeSymbol type, KnownSymbols known)
    {
        if (KnownSymbols.Is(type.OriginalDefinition, known.ListOfT)) return true;
        return type.OriginalDefinition.SpecialType is SpecialType.System_Collections_Generic_IEnumerable_T
            or SpecialType.System_Collections_Generic_IReadOnlyList_T
            or SpecialType.System_Collections_Generic_IReadOnlyCollection_T
            or SpecialType.System_Collections_Generic_IList_T
            or SpecialType.System_Collections_Generic_ICollection_T;
    }

    private static IPropertySymbol? FindProperty(INamedTypeSymbol type, string name)
    {
        foreach (var member in type.GetMembers(name))
        {
            if (member is IPropertySymbol property) return property;
        }
        return null;
    }

    private static ExpressionSyntax? Initializer(IPropertySymbol property, CancellationToken cancellationToken)
    {
        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is PropertyDeclarationSyntax { Initializer: { } initializer }) return initializer.Value;
        }
        return null;
    }

    private static object? ZeroOf(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Int32 => 0,
        SpecialType.System_Int64 => 0L,
        SpecialType.System_Decimal => 0m,
        SpecialType.System_Double => 0d,
        SpecialType.System_Boolean => false,
        _ when type.TypeKind == TypeKind.Enum => 0,
        _ => null,
    };

    /// <summary>A default constant in its stored form (and, for an enum, its number too); null text when it is null or names no member.</summary>
    private static (string? Text, string? EnumValue) DefaultText(object? value, ITypeSymbol type)
    {
        if (value is null) return (null, null);
        var element = type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : type;
        if (element.TypeKind == TypeKind.Enum)
        {
            var number = Convert.ToString(value, CultureInfo.InvariantCulture);
            var member = element.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
            return (member?.Name, number);
        }
        return value switch
        {
            bool b => (b ? "true" : "false", null),
            double d => (d.ToString("R", CultureInfo.InvariantCulture), null),
            decimal m => (m.ToString(CultureInfo.InvariantCulture), null),
            IFormattable f => (f.ToString(null, CultureInfo.InvariantCulture), null),
            _ => (value.ToString(), null),
        };
    }

    private static string? Number(object? value) => value switch
    {
        null => null,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>The record's <c>&lt;param&gt;</c> docs, by name: descriptions of positional members.</summary>
    private static Dictionary<string, string> Documentation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var xml = type.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        if (string.IsNullOrWhiteSpace(xml)) return result;
        try
        {
            foreach (var param in XElement.Parse(xml).Elements("param"))
            {
                if (param.Attribute("name")?.Value is { } name && Clean(param.Value) is { } text) result[name] = text;
            }
        }
        catch (System.Xml.XmlException)
        {
            // Malformed docs are the compiler's to report; the description is only a nicety.
        }
        return result;
    }

    private static string? Summary(ISymbol? symbol, CancellationToken cancellationToken)
    {
        var xml = symbol?.GetDocumentationCommentXml(cancellationToken: cancellationToken);
        if (string.IsNullOrWhiteSpace(xml)) return null;
        try
        {
            return XElement.Parse(xml).Element("summary") is { } summary ? Clean(summary.Value) : null;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }

    private static string? Clean(string text)
    {
        var collapsed = Regex.Replace(text, @"\s+", " ").Trim();
        return collapsed.Length == 0 ? null : collapsed;
    }
}
