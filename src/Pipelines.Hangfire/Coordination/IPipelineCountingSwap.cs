using System;
using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>A swap begun by <see cref="IPipelineCountingSwapStorage.BeginCountingSwap"/>: disposing it without <see cref="Swap"/> changes nothing.</summary>
public interface IPipelineCountingSwap : IDisposable
{
    /// <summary>
    /// Sets the field <paramref name="swap"/> names to its value if it holds exactly <paramref name="expected"/> and, only
    /// then, adds each of <paramref name="moves"/> to its count and sets each of <paramref name="writes"/>, all at once, and
    /// ends the swap. Returns each count as the addition left it (it includes the additions of every swap that added to it
    /// before, and none of those after), in the order of <paramref name="moves"/>; null, changing nothing, when the field
    /// held anything else.
    /// </summary>
    IReadOnlyList<string>? Swap(HashFieldWrite swap, string expected, IReadOnlyList<HashCountMove> moves, IReadOnlyList<HashFieldWrite> writes);
}
