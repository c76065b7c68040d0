using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Checks <see cref="PipelinesOptions"/> when the host starts, so a bad value stops it with one message per problem that
/// names the setting (as its configuration key when the options came from configuration) and says how to fix it.
/// </summary>
internal sealed class PipelinesOptionsValidator(string keyPrefix) : IValidateOptions<PipelinesOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelinesOptions options)
    {
        var problems = new List<string>();
        Positive(problems, nameof(PipelinesOptions.LockTimeout), options.LockTimeout, "00:01:00");
        Positive(problems, nameof(PipelinesOptions.TryHeartbeatInterval), options.TryHeartbeatInterval, "00:00:05");
        // A timer counts whole milliseconds: a shorter interval would beat once and never again.
        if (options.TryHeartbeatInterval > TimeSpan.Zero && options.TryHeartbeatInterval < TimeSpan.FromMilliseconds(1))
            problems.Add($"{Key(nameof(PipelinesOptions.TryHeartbeatInterval))} is {options.TryHeartbeatInterval:c}; it must be at least 1 ms (a timer's resolution), such as 00:00:05.");
        Positive(problems, nameof(PipelinesOptions.TryLivenessTimeout), options.TryLivenessTimeout, "00:00:15");
        Positive(problems, nameof(PipelinesOptions.ReconcilerLockTimeout), options.ReconcilerLockTimeout, "00:00:02");
        Positive(problems, nameof(PipelinesOptions.NotificationRetryDelay), options.NotificationRetryDelay, "00:00:01");
        Positive(problems, nameof(PipelinesOptions.ReconcileAfter), options.ReconcileAfter, "00:05:00");
        if (options.NotificationDrainTimeout < TimeSpan.Zero)
            problems.Add($"{Key(nameof(PipelinesOptions.NotificationDrainTimeout))} is {options.NotificationDrainTimeout:c}; it cannot be negative. Use 00:00:00 to stop at once, or a few seconds such as 00:00:10.");
        if (options.TryHeartbeatInterval > TimeSpan.Zero && options.TryLivenessTimeout > TimeSpan.Zero && options.TryLivenessTimeout <= options.TryHeartbeatInterval)
            problems.Add($"{Key(nameof(PipelinesOptions.TryLivenessTimeout))} ({options.TryLivenessTimeout:c}) must be longer than {Key(nameof(PipelinesOptions.TryHeartbeatInterval))} ({options.TryHeartbeatInterval:c}), or every running try would be taken for dead between two heartbeats. Make it a few heartbeat intervals, such as {(options.TryHeartbeatInterval * 3):c}.");
        if (options.Retention is { } retention && retention <= Duration.Zero)
            problems.Add($"{Key(nameof(PipelinesOptions.Retention))} is {retention}; it must be positive (such as 30:00:00:00 for 30 days), or left out to keep finished runs until they are deleted.");
        if (options.MaxJobsPerStep < 1)
            problems.Add($"{Key(nameof(PipelinesOptions.MaxJobsPerStep))} is {options.MaxJobsPerStep}; a step must create at least one job, such as 200.");
        if (options.MaxMapLength < 1)
            problems.Add($"{Key(nameof(PipelinesOptions.MaxMapLength))} is {options.MaxMapLength}; a mapped task needs room for at least one instance, such as 1024.");
        foreach (var (pool, slots) in options.Pools)
            if (slots < 1) problems.Add($"{Key(nameof(PipelinesOptions.Pools))}:{pool} is {slots}; a pool needs at least one slot, such as 4.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private void Positive(List<string> problems, string setting, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero) problems.Add($"{Key(setting)} is {value:c}; it must be positive, such as {example}.");
    }

    private string Key(string setting) => keyPrefix + setting;
}
