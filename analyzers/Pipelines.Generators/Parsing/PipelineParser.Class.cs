using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Parsing;

/// <summary>The pipeline class itself: partial, not generic, reachable, no reserved names; its type and constructor.</summary>
internal static partial class PipelineParser
{
    private static void CheckClass(INamedTypeSymbol type, KnownSymbols known, DiagnosticReporter report, CancellationToken cancellationToken)
    {
        var location = type.Locations.FirstOrDefault() ?? Location.None;
        var name = type.Name;

        if (!IsPartial(type, cancellationToken))
        {
            report(DiagnosticDescriptors.InvalidPipelineClass, location,
                new object?[] { name, "is not partial", $"Add the partial modifier, as in 'public sealed partial class {name}', so the generator can add its definition." },
                Properties(DiagnosticProperties.Reason, DiagnosticProperties.NotPartial));
        }

        if (type.IsGenericType)
        {
            report(DiagnosticDescriptors.InvalidPipelineClass, location,
                new object?[] { name, "is generic", "A pipeline is one fixed graph; remove the type parameters." });
        }

        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (!IsPartial(container, cancellationToken))
            {
                report(DiagnosticDescriptors.InvalidPipelineClass, location,
                    new object?[] { name, $"is nested in '{container.Name}', which is not partial", $"Mark '{container.Name}' partial too, or move the pipeline out of it." },
                    Properties(DiagnosticProperties.Reason, DiagnosticProperties.NotPartial));
            }
            if (container.IsGenericType)
            {
                report(DiagnosticDescriptors.InvalidPipelineClass, location,
                    new object?[] { name, $"is nested in the generic type '{container.Name}'", "Move the pipeline to a non-generic type." });
            }
        }

        for (ISymbol? current = type; current is INamedTypeSymbol named; current = named.ContainingType)
        {
            var accessibility = named.DeclaredAccessibility;
            if (accessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                var which = ReferenceEquals(named, type) ? "is" : $"is inside '{named.Name}', which is";
                report(DiagnosticDescriptors.InvalidPipelineClass, location,
                    new object?[] { name, $"{which} {accessibility.ToString().ToLowerInvariant()}, so the generated pipeline registry cannot reach it", "Make it internal or public." });
                break;
            }
        }

        CheckReservedNames(type, report);

        if (type.IsAbstract && !type.IsStatic)
        {
            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol { IsStatic: false } method
                    && (known.Find(method, known.PipelineTaskAttribute) is not null || CallbackAttributes(method, known).Count > 0))
                {
                    report(DiagnosticDescriptors.InvalidPipelineClass, location,
                        new object?[] { name, "is abstract but has instance tasks or callbacks", "Remove 'abstract' so the pipeline can create the class, or make its tasks and callbacks static." });
                    break;
                }
            }
        }
    }

    private static bool HasMissingName(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.Name.Length == 0) return true;
        }
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            if (ns.Name.Length == 0) return true;
        }
        return false;
    }

    /// <summary>The members the generator adds to every pipeline class; a member of the user's with the same name collides.</summary>
    internal static readonly ImmutableArray<string> GeneratedMemberNames = ImmutableArray.Create("Definition", "__PipelineDefinition");

    private static void CheckReservedNames(INamedTypeSymbol type, DiagnosticReporter report)
    {
        if (GeneratedMemberNames.Contains(type.Name))
        {
            report(DiagnosticDescriptors.InvalidPipelineClass, type.Locations.FirstOrDefault() ?? Location.None,
                new object?[] { type.Name, $"is named '{type.Name}', like the member the generator adds to it", "Rename the class." });
            return;
        }
        foreach (var name in GeneratedMemberNames)
        {
            foreach (var member in type.GetMembers(name))
            {
                // The analyzer sees the compilation with the generated code in it: our own member is no collision.
                if (member.IsImplicitlyDeclared || member.DeclaringSyntaxReferences.All(r => IsGenerated(r.SyntaxTree))) continue;
                report(DiagnosticDescriptors.InvalidPipelineClass, member.Locations.FirstOrDefault() ?? Location.None,
                    new object?[] { type.Name, $"declares '{name}', a name the generator gives to a member it adds to every pipeline class", $"Rename '{name}'." });
            }
        }
    }

    /// <summary>Whether a tree is one of our <c>*.Pipeline.g.cs</c> files (their path ends with the hint name).</summary>
    private static bool IsGenerated(SyntaxTree tree) => tree.FilePath.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal);

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return true;
            }
        }
        return false;
    }

    private static TypeSpec DescribeType(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : "";
        var containers = new List<string>();
        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            containers.Insert(0, $"{(container.IsStatic ? "static " : "")}partial {Keyword(container)} {Emission.CSharpIdentifier.Escape(container.Name)}");
        }
        return new TypeSpec(ns, type.Name, TypeOfName(type), containers.ToEquatableArray(), type.IsStatic, Keyword(type));
    }

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static ImmutableArray<ConstructorParameterSpec> ReadConstructor(INamedTypeSymbol type, DiagnosticReporter report, ref bool blocked)
    {
        IMethodSymbol? chosen = null;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.IsStatic) continue;
            if (chosen is null || constructor.Parameters.Length > chosen.Parameters.Length) chosen = constructor;
        }
        if (chosen is null) return ImmutableArray<ConstructorParameterSpec>.Empty;

        var parameters = ImmutableArray.CreateBuilder<ConstructorParameterSpec>(chosen.Parameters.Length);
        foreach (var parameter in chosen.Parameters)
        {
            if (ContainsError(parameter.Type)) blocked = true;
            else if (parameter.RefKind is RefKind.Ref or RefKind.Out)
                report(DiagnosticDescriptors.InvalidPipelineClass, parameter.Locations.FirstOrDefault() ?? Location.None, new object?[]
                {
                    type.Name, $"has a constructor that takes '{parameter.Name}' by {RefKindText(parameter.RefKind)}, which the pipeline cannot pass from the service provider", "Take services by value.",
                });
            else if (Unstorable(parameter.Type) is { } why)
                report(DiagnosticDescriptors.InvalidPipelineClass, parameter.Locations.FirstOrDefault() ?? Location.None, new object?[]
                {
                    type.Name, $"has a constructor that takes '{parameter.Name}' as '{parameter.Type.ToDisplayString(s_messageFormat)}', which {why}", "Take services as types the service provider can resolve.",
                });
            var optional = parameter.HasExplicitDefaultValue || parameter.NullableAnnotation == NullableAnnotation.Annotated;
            parameters.Add(new ConstructorParameterSpec(TypeOfName(parameter.Type), optional));
        }
        return parameters.ToImmutable();
    }
}
