using System;
using System.Collections.Generic;

namespace Pipelines.Generators.Validation;

/// <summary>Finds the closest known name to a misspelt one, for "did you mean" hints.</summary>
internal static class Suggestions
{
    /// <summary>The candidate nearest to <paramref name="name"/> by edit distance, if it is close enough to be a typo.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase)) return candidate;
            var distance = Distance(name, candidate, bestDistance);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }
        var allowed = Math.Max(2, name.Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>" Did you mean 'X'?" or empty, to follow a sentence.</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates)
    {
        return DidYouMean(Closest(name, candidates));
    }

    /// <summary>" Did you mean 'X'?" for an already found <paramref name="closest"/>, or empty when there is none.</summary>
    public static string DidYouMean(string? closest) => closest is null ? "" : $" Did you mean '{closest}'?";

    /// <summary>Case-insensitive Levenshtein distance, giving up early once it exceeds <paramref name="limit"/>.</summary>
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit) return int.MaxValue;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (current[j] < rowMin) rowMin = current[j];
            }
            if (rowMin > limit) return int.MaxValue;
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.Length];
    }
}
