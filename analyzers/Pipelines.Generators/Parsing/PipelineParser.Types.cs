using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>How the parser checks types (unresolved, unstorable) and spells them for generated code and messages.</summary>
internal static partial class PipelineParser
{
    internal static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat s_typeOfFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    internal static readonly SymbolDisplayFormat s_messageFormat = SymbolDisplayFormat.MinimallyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// Whether an unresolved type hides anywhere in <paramref name="type"/>: under <c>?</c> (<c>Prices?</c> binds to
    /// <c>Nullable&lt;Prices&gt;</c>), in a type argument, an array or a pointer. The compiler reports it; generate nothing.
    /// </summary>
    internal static bool ContainsError(ITypeSymbol type)
    {
        // Most types are plain names (void, bool, a class): answered without the walk's stack.
        if (type is INamedTypeSymbol { TypeArguments.IsEmpty: true, ContainingType: null }) return type.TypeKind == TypeKind.Error;
        var pending = new Stack<ITypeSymbol>();
        pending.Push(type);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            switch (current)
            {
                case { TypeKind: TypeKind.Error }: return true;
                case IArrayTypeSymbol array: pending.Push(array.ElementType); break;
                case IPointerTypeSymbol pointer: pending.Push(pointer.PointedAtType); break;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments) pending.Push(argument);
                    if (named.ContainingType is { } outer) pending.Push(outer);
                    break;
            }
        }
        return false;
    }

    /// <summary>
    /// Why a value of <paramref name="type"/> cannot pass through the generated code (a type argument and a
    /// <c>typeof</c>), or null when it can.
    /// </summary>
    internal static string? Unstorable(ITypeSymbol type)
    {
        var pending = new Stack<ITypeSymbol>();
        pending.Push(type);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            switch (current)
            {
                case { TypeKind: TypeKind.Dynamic }: return "is dynamic, so the generated code cannot name its type";
                case IPointerTypeSymbol or IFunctionPointerTypeSymbol: return "is a pointer, which cannot be a type argument";
                case { IsRefLikeType: true }: return "is a ref struct, which cannot be boxed or be a type argument";
                case IArrayTypeSymbol array: pending.Push(array.ElementType); break;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments) pending.Push(argument);
                    break;
            }
        }
        return null;
    }

    /// <summary>
    /// The type as generated code spells it. The display format escapes keywords (<c>@class</c>) but not contextual
    /// ones, and a namespace or type named <c>await</c> must be <c>@await</c> inside the generated async methods.
    /// </summary>
    internal static string SourceName(ITypeSymbol type, SymbolDisplayFormat format)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var part in type.ToDisplayParts(format))
        {
            var text = part.ToString();
            var isName = part.Kind is SymbolDisplayPartKind.NamespaceName or SymbolDisplayPartKind.ClassName or SymbolDisplayPartKind.StructName
                or SymbolDisplayPartKind.InterfaceName or SymbolDisplayPartKind.EnumName or SymbolDisplayPartKind.DelegateName
                or SymbolDisplayPartKind.RecordClassName or SymbolDisplayPartKind.RecordStructName or SymbolDisplayPartKind.ErrorTypeName;
            builder.Append(isName ? Emission.CSharpIdentifier.Escape(text) : text);
        }
        return builder.ToString();
    }

    internal static string TypeOfName(ITypeSymbol type)
    {
        // typeof() and generic arguments cannot carry nullable reference annotations.
        var withoutAnnotations = type.WithNullableAnnotation(NullableAnnotation.None);
        return SourceName(withoutAnnotations, s_typeOfFormat);
    }

    internal static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Ref => "ref",
        RefKind.Out => "out",
        RefKind.In => "in",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
