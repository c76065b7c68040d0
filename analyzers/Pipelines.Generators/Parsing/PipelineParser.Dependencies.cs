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
            // The elements' syntax, so each location is made once and the nameof check starts from its node (at 20,000
            // edges a search from the root per id showed in profiles); null when they fall back to the attribute.
            var elements = AttributeArguments.ParamsElementSyntax(dependsAttribute, 0, values.Length, cancellationToken);
            Location? fallback = null;
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i].Kind == TypedConstantKind.Error)
                {
                    blocked = true;
                    continue;
                }
                var element = elements?[i];
                var where = element?.GetLocation() ?? (fallback ??= AttributeArguments.Of(dependsAttribute, cancellationToken));
                if (values[i].Value is not string dependency)
                {
                    report(DiagnosticDescriptors.NullTaskId, where, new object?[] { $"[DependsOn] of task '{id}'" });
                    continue;
                }
                dependsOn.Add(dependency);
                SuggestNameOf(dependency, id, where, taskNames, report, cancellationToken, element);
                locations.DependsOn.Add(where);
            }
        }
        return dependsOn.ToImmutable();
    }

    /// <summary>
    /// The ids of a task's <c>[DependsOn]</c> attributes as <see cref="SyntaxTaskReader"/> read them: the same ids,
    /// locations and suggestions as the bound path, whose elements are these arguments.
    /// </summary>
    private static ImmutableArray<string> ReadDependsOn(
        string id,
        SyntaxTask syntaxTask,
        TaskLocations locations,
        HashSet<string> taskNames,
        DiagnosticReporter report,
        CancellationToken cancellationToken)
    {
        var dependsOn = ImmutableArray.CreateBuilder<string>(syntaxTask.DependsOn.Count);
        foreach (var (dependency, element) in syntaxTask.DependsOn)
        {
            var where = element.GetLocation();
            dependsOn.Add(dependency);
            // The reader's elements are string literals and nameof(X) calls; FindNode on a call's span finds the call, so
            // only a literal can get the suggestion.
            if (element is LiteralExpressionSyntax) SuggestNameOf(dependency, id, where, taskNames, report, cancellationToken, element);
            locations.DependsOn.Add(where);
        }
        return dependsOn.MoveToImmutable();
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
    /// <param name="near">
    /// A node of the same tree whose full span holds <paramref name="where"/>, to search from instead of the root; the
    /// node found is the same (the innermost node holding the span lies inside it).
    /// </param>
    internal static void SuggestNameOf(string taskId, string ownerId, Location where, HashSet<string> taskNames, DiagnosticReporter report, CancellationToken cancellationToken, SyntaxNode? near = null)
    {
        if (taskId == ownerId || !taskNames.Contains(taskId)) return;
        if (where.SourceTree is not { } tree) return;
        var from = near is not null && near.SyntaxTree == tree && near.FullSpan.Contains(where.SourceSpan) ? near : tree.GetRoot(cancellationToken);
        if (from.FindNode(where.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            return;
        }
        // Spelt as the fix writes it: only a reserved keyword needs the @ inside nameof.
        var name = SyntaxFacts.GetKeywordKind(taskId) != SyntaxKind.None ? "@" + taskId : taskId;
        report(DiagnosticDescriptors.TaskIdAsString, where, new object?[] { taskId, name });
    }
}
