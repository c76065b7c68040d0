using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;
using Pipelines.Generators.Validation;

namespace Pipelines.Generators.Parsing;

/// <summary>The <c>[PipelineTask]</c> and <c>[Sensor]</c> attributes' settings: retries, durations, trigger rule, queue, pool, controls.</summary>
internal static partial class PipelineParser
{
    // The attributes' own property initializers are the defaults of settings a user leaves unset.
    private static readonly PipelineTaskAttribute s_taskDefaults = new();
    private static readonly SensorAttribute s_sensorDefaults = new();

    private static readonly Regex s_queue = new("^[a-z0-9_-]+$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The <c>[PipelineTask]</c> attribute's named arguments, each checked where it is written; an unset one keeps the
    /// attribute's own default.
    /// </summary>
    private static TaskSettings ReadTaskSettings(
        string id,
        NamedArguments arguments,
        string pipelineId,
        string? calendar,
        KnownSymbols known,
        DiagnosticReporter report,
        ref bool blocked,
        CancellationToken cancellationToken)
    {
        var taskLabel = $"task '{id}'";
        var retries = 0;
        long retryDelay = PipelineDefaults.RetryDelay.Ticks;
        var backoff = false;
        long? maxRetryDelay = null, timeout = null;
        var trigger = s_taskDefaults.Trigger;
        var queue = PipelineDefaults.Queue;
        var priority = s_taskDefaults.PriorityWeight;
        string? pool = null, deadline = null;
        var poolSlots = s_taskDefaults.PoolSlots;
        var maxActiveTries = 0;
        bool dependsOnPast = false, waitForDownstream = false;
        var weightRule = s_taskDefaults.WeightRule;
        foreach (var named in arguments.All)
        {
            if (named.IsError) { blocked = true; continue; }
            var where = named.Where;
            switch (named.Name)
            {
                case nameof(PipelineTaskAttribute.Retries):
                    retries = named.Value is int r ? r : 0;
                    if (retries < 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, retries, "0 or more." });
                    break;
                case nameof(PipelineTaskAttribute.RetryDelay):
                    if (ReadDuration(named.Value, named.Name, taskLabel, where, report) is { } delay)
                    {
                        retryDelay = delay;
                        if (delay < 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, named.Value, "zero or more." });
                    }
                    break;
                case nameof(PipelineTaskAttribute.RetryExponentialBackoff):
                    backoff = named.Value is true;
                    break;
                case nameof(PipelineTaskAttribute.MaxRetryDelay):
                    maxRetryDelay = ReadDuration(named.Value, named.Name, taskLabel, where, report);
                    if (maxRetryDelay <= 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, named.Value, "more than zero." });
                    break;
                case nameof(PipelineTaskAttribute.Timeout):
                    timeout = ReadDuration(named.Value, named.Name, taskLabel, where, report);
                    if (timeout <= 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, named.Value, "more than zero; leave it unset for no time limit." });
                    break;
                case nameof(PipelineTaskAttribute.Trigger):
                    // An enum argument arrives as its underlying int; a cast such as (TriggerRule)99 names no member.
                    var triggerValue = named.Value is int t ? t : 0;
                    trigger = (TriggerRule)triggerValue;
                    if (!IsDefined(trigger))
                        report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, triggerValue, $"one of the {nameof(TriggerRule)} values, such as {nameof(TriggerRule)}.{nameof(TriggerRule.AllSuccess)}." });
                    break;
                case nameof(PipelineTaskAttribute.Queue):
                    queue = named.Value as string ?? PipelineDefaults.Queue;
                    if (!s_queue.IsMatch(queue)) report(DiagnosticDescriptors.InvalidQueueName, where, new object?[] { queue, id });
                    break;
                case nameof(PipelineTaskAttribute.PriorityWeight):
                    priority = named.Value is int p ? p : s_taskDefaults.PriorityWeight;
                    if (priority < 1) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, priority, "at least 1; raise it above the others' to go first." });
                    break;
                case nameof(PipelineTaskAttribute.WeightRule):
                    if (named.Value is int w && IsDefined((PriorityWeightRule)w)) weightRule = (PriorityWeightRule)w;
                    else report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, named.Value, $"one of the {nameof(PriorityWeightRule)} values, such as {nameof(PriorityWeightRule)}.{nameof(PriorityWeightRule.Downstream)}." });
                    break;
                case nameof(PipelineTaskAttribute.Pool):
                    pool = named.Value as string;
                    break;
                case nameof(PipelineTaskAttribute.PoolSlots):
                    poolSlots = named.Value is int slots ? slots : s_taskDefaults.PoolSlots;
                    if (poolSlots < 1) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, poolSlots, "at least 1." });
                    break;
                case nameof(PipelineTaskAttribute.MaxActiveTries):
                    maxActiveTries = named.Value is int tries ? tries : 0;
                    if (maxActiveTries < 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Name, taskLabel, maxActiveTries, "0 or more; 0 sets no limit." });
                    break;
                case nameof(PipelineTaskAttribute.DependsOnPast):
                    dependsOnPast = named.Value is true;
                    break;
                case nameof(PipelineTaskAttribute.WaitForDownstream):
                    waitForDownstream = named.Value is true;
                    break;
                case nameof(PipelineTaskAttribute.Deadline):
                    deadline = named.Value as string;
                    if (deadline is not null) CheckDeadline(deadline, taskLabel, pipelineId, calendar, where, report);
                    break;
            }
        }
        if (pool is not null) CheckPool(id, pool, poolSlots, arguments, known, report);
        if (maxRetryDelay is { } max && max > 0 && max < retryDelay && retryDelay >= 0)
        {
            report(DiagnosticDescriptors.SettingOutOfRange, arguments.Where(nameof(PipelineTaskAttribute.MaxRetryDelay)),
                new object?[] { nameof(PipelineTaskAttribute.MaxRetryDelay), taskLabel, TimeSpan.FromTicks(max).ToString("c", CultureInfo.InvariantCulture), $"at least {nameof(PipelineTaskAttribute.RetryDelay)} ({TimeSpan.FromTicks(retryDelay).ToString("c", CultureInfo.InvariantCulture)})." });
        }

        return new TaskSettings(
            retries,
            retryDelay,
            backoff,
            maxRetryDelay,
            timeout,
            trigger,
            queue,
            priority,
            // Airflow forces depends_on_past on with wait_for_downstream; the definition says so, so no reader has to.
            new TaskControlsSpec(pool, poolSlots, maxActiveTries, dependsOnPast || waitForDownstream, waitForDownstream, weightRule, deadline));
    }

    /// <summary>A task's settings as read from its <c>[PipelineTask]</c> attribute.</summary>
    private sealed record TaskSettings(
        int Retries,
        long RetryDelayTicks,
        bool RetryExponentialBackoff,
        long? MaxRetryDelayTicks,
        long? TimeoutTicks,
        TriggerRule Trigger,
        string Queue,
        int PriorityWeight,
        TaskControlsSpec Controls);

    /// <summary>A <c>[Sensor]</c>'s settings, or null for a task that is not a sensor.</summary>
    private static SensorSpec? ReadSensor(string id, AttributeData? sensor, DiagnosticReporter report, ref bool blocked, CancellationToken cancellationToken)
    {
        SensorSpec? sensorSpec = null;
        if (sensor is not null)
        {
            long poke = PipelineDefaults.PokeInterval.Ticks, sensorTimeout = PipelineDefaults.SensorTimeout.Ticks;
            var softFail = false;
            var mode = s_sensorDefaults.Mode;
            var sensorLabel = $"sensor '{id}'";
            foreach (var named in sensor.NamedArguments)
            {
                if (named.Value.Kind == TypedConstantKind.Error) { blocked = true; continue; }
                var where = AttributeArguments.Named(sensor, named.Key, cancellationToken);
                switch (named.Key)
                {
                    case nameof(SensorAttribute.PokeInterval):
                        if (ReadDuration(named.Value.Value, named.Key, sensorLabel, where, report) is { } pokeTicks)
                        {
                            poke = pokeTicks;
                            if (poke <= 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, sensorLabel, named.Value.Value, "more than zero." });
                        }
                        break;
                    case nameof(SensorAttribute.Timeout):
                        if (ReadDuration(named.Value.Value, named.Key, sensorLabel, where, report) is { } timeoutTicks)
                        {
                            sensorTimeout = timeoutTicks;
                            if (sensorTimeout <= 0) report(DiagnosticDescriptors.SettingOutOfRange, where, new object?[] { named.Key, sensorLabel, named.Value.Value, "more than zero." });
                        }
                        break;
                    case nameof(SensorAttribute.SoftFail): softFail = named.Value.Value is true; break;
                    // A value no member has (a cast such as (SensorMode)5) keeps the default.
                    case nameof(SensorAttribute.Mode): mode = named.Value.Value is int m && IsDefined((SensorMode)m) ? (SensorMode)m : s_sensorDefaults.Mode; break;
                }
            }
            sensorSpec = new SensorSpec(poke, sensorTimeout, softFail, mode);
        }
        return sensorSpec;
    }

    /// <summary>A pool must be declared by this assembly or a referenced one, and have at least the slots the task takes.</summary>
    private static void CheckPool(string taskId, string pool, int slots, NamedArguments arguments, KnownSymbols known, DiagnosticReporter report)
    {
        var declared = known.Pools;
        if (declared.Find(pool) is { } found)
        {
            if (slots > found.Slots)
                report(DiagnosticDescriptors.PoolSlotsExceedPool, arguments.Where(nameof(PipelineTaskAttribute.PoolSlots)), new object?[] { taskId, slots, pool, found.Slots });
            return;
        }
        var names = declared.Known.Select(p => p.Name).ToList();
        var closest = Suggestions.Closest(pool, names);
        report(DiagnosticDescriptors.UnknownPool, arguments.Where(nameof(PipelineTaskAttribute.Pool)),
            new object?[] { pool, taskId, Suggestions.DidYouMean(closest), names.Count == 0 ? "none yet" : string.Join(", ", names) },
            Properties(DiagnosticProperties.Suggestion, closest));
    }

    /// <summary>Whether a value read from an attribute argument names a member of the API's enum.</summary>
    private static bool IsDefined<TEnum>(TEnum value) where TEnum : struct, Enum => Enum.IsDefined(typeof(TEnum), value);

    private static long? ReadDuration(object? value, string setting, string owner, Location where, DiagnosticReporter report)
    {
        if (value is not string text) return null;
        // A bare number such as "5" parses as five days: require hh:mm so nobody gets days when they meant minutes.
        if (text.IndexOf(':') >= 0 && TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var span)) return span.Ticks;
        report(DiagnosticDescriptors.InvalidDuration, where, new object?[] { setting, text, owner });
        return null;
    }
}
