using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.Parsing;

/// <summary>The task ids a task names: <c>[DependsOn]</c>, branch targets, and the <c>nameof</c> suggestion for string ids.</summary>
internal static partial class PipelineParser
{
    /// <summary>The task ids of the method's <c>[DependsOn]</c> attributes, in declaration order, each with its location.</summary>
    private static ImmutableArray<string> ReadDependsOn(
        IMethodSymbol method,
        TaskLocations locations,
        HashSet<string> taskNames,
        KnownSymbols known,
        DiagnosticReporter report,
        ref bool blocked,
        CancellationToken cancellationToken)
    {
        var id = method.Name;
        var dependsOn = ImmutableArray.CreateBuilder<string>();
        foreach (var dependsAttribute in method.GetAttributes())
        {
            if (!KnownSymbols.Is(dependsAttribute.AttributeClass, known.DependsOnAttribute)) continue;
            if (dependsAttribute.ConstructorArguments.Length != 1 || dependsAttribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                blocked = true;
                continue;
            }
            if (dependsAttribute.ConstructorArguments[0].IsNull)
            {
                // [DependsOn(null)] passes a null array, not a null id.
                report(DiagnosticDescriptors.NullTaskId, AttributeArguments.Positional(dependsAttribute, 0, cancellationToken), new object?[] { $"[DependsOn] of task '{id}'" });
                continue;
            }
            var values = dependsAttribute.ConstructorArguments[0].Values;
            var elementLocations = AttributeArguments.ParamsElements(dependsAttribute, 0, values.Length, cancellationToken);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i].Kind == TypedConstantKind.Error)
                {
                    blocked = true;
                    continue;
                }
                if (values[i].Value is not string dependency)
                {
                    report(DiagnosticDescriptors.NullTaskId, elementLocations[i], new object?[] { $"[DependsOn] of task '{id}'" });
                    continue;
                }
                dependsOn.Add(dependency);
                SuggestNameOf(dependency, id, elementLocations[i], taskNames, report, cancellationToken);
                locations.DependsOn.Add(elementLocations[i]);
            }
        }
        return dependsOn.ToImmutable();
    }

    /// <summary>The targets a <c>[Branch]</c> names, each with its location; none for a task that is not a branch.</summary>
    private static ImmutableArray<string> ReadBranchTargets(
        string id,
        AttributeData? branch,
        TaskLocations locations,
        HashSet<string> taskNames,
        DiagnosticReporter report,
        ref bool blocked,
        CancellationToken cancellationToken)
    {
        var branchTargets = ImmutableArray.CreateBuilder<string>();
        if (branch is not null)
        {
            // [Branch(null)] passes a null array: a branch without targets, which the validator reports (PIPE016).
            if (branch.ConstructorArguments.Length == 1 && branch.ConstructorArguments[0] is { Kind: TypedConstantKind.Array, IsNull: true }) { }
            else if (branch.ConstructorArguments.Length == 1 && branch.ConstructorArguments[0] is { Kind: TypedConstantKind.Array })
            {
                var values = branch.ConstructorArguments[0].Values;
                var targetLocations = AttributeArguments.ParamsElements(branch, 0, values.Length, cancellationToken);
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i].Value is string target)
                    {
                        branchTargets.Add(target);
                        SuggestNameOf(target, id, targetLocations[i], taskNames, report, cancellationToken);
                        locations.BranchTargets.Add(targetLocations[i]);
                    }
                    else if (values[i].Kind == TypedConstantKind.Error) blocked = true;
                    else report(DiagnosticDescriptors.NullTaskId, targetLocations[i], new object?[] { $"[Branch] of task '{id}'" });
                }
            }
            else blocked = true;
        }
        return branchTargets.ToImmutable();
    }

    /// <summary>
    /// A task id written as a string literal that names a task of this class works, but a rename of the task breaks it
    /// silently: suggest <c>nameof</c>. An unknown id (PIPE002 and friends) or the task itself (PIPE003) has its own fix.
    /// </summary>
    internal static void SuggestNameOf(string taskId, string ownerId, Location where, HashSet<string> taskNames, DiagnosticReporter report, CancellationToken cancellationToken)
    {
        if (taskId == ownerId || !taskNames.Contains(taskId)) return;
        if (where.SourceTree is not { } tree) return;
        if (tree.GetRoot(cancellationToken).FindNode(where.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            return;
        }
        // Spelt as the fix writes it: only a reserved keyword needs the @ inside nameof.
        var name = SyntaxFacts.GetKeywordKind(taskId) != SyntaxKind.None ? "@" + taskId : taskId;
        report(DiagnosticDescriptors.TaskIdAsString, where, new object?[] { taskId, name });
    }
}
