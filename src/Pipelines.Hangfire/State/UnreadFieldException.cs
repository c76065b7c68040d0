using System;

namespace Pipelines.Hangfire;

/// <summary>
/// A field asked of a <see cref="StoredHash"/> holding only what was read beforehand (no connection to read more): the
/// work that asked needs more than was read for it, and must be done by a step that reads it (<see cref="UnlockedEnd"/>
/// leaves such an end to the run's locked step).
/// </summary>
internal sealed class UnreadFieldException : InvalidOperationException
{
    public UnreadFieldException(string key, string? field)
        : base(field is null ? $"The hash '{key}' was not read whole." : $"The field '{field}' of hash '{key}' was not read.")
    {
    }
}
