using System;

namespace Pipelines.Hangfire;

/// <summary>A swap begun by <see cref="IPipelineSwapStorage.BeginSwap"/>: disposing it without <see cref="Swap"/> changes nothing.</summary>
public interface IPipelineSwap : IDisposable
{
    /// <summary>
    /// Sets <paramref name="field"/> of hash <paramref name="key"/> to <paramref name="value"/> if it holds exactly
    /// <paramref name="expected"/>, and ends the swap; false, changing nothing, when it holds anything else.
    /// </summary>
    bool Swap(string key, string field, string expected, string value);
}
