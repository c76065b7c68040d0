using System;
using Microsoft.Extensions.Logging;

namespace Pipelines.Hangfire;

/// <summary>What the coordination steps log.</summary>
internal static partial class CoordinationLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start the waiting runs of {Pipeline} now; the reconciler will")]
    public static partial void WaitingNotStarted(ILogger logger, string pipeline, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not cascade the run after {Pipeline} {Run} for depends-on-past now; the reconciler will")]
    public static partial void NextRunNotReleased(ILogger logger, string pipeline, string run, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A second delivery of {Pipeline} {Run} {Task} try {Try} found the try still running on {Server}: it does nothing.")]
    public static partial void Duplicate(ILogger logger, string pipeline, string run, string task, int @try, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not starting {Pipeline} {Run} {Task} try {Try}: the pipeline is paused; the task waits until it is unpaused.")]
    public static partial void Paused(ILogger logger, string pipeline, string run, string task, int @try);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not starting {Pipeline} {Run} {Task} try {Try}: {Reason}")]
    public static partial void WaitingForSlots(ILogger logger, string pipeline, string run, string task, int @try, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give back or hand on the slots of {Pipeline} {Run} now; the reconciler will")]
    public static partial void SlotsNotReleased(ILogger logger, string pipeline, string run, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignoring a stale or duplicate delivery of {Pipeline} {Run} {Task} try {Try}: the task is {State} on try {CurrentTry}.")]
    public static partial void Stale(ILogger logger, string pipeline, string run, string task, int @try, string state, int currentTry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not judge the pipelines scheduled on the assets {Pipeline} {Run} produced; the reconciler judges them")]
    public static partial void AssetConsumersNotJudged(ILogger logger, string pipeline, string run, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue the rest of the tasks {Pipeline} {Run} decided to run now; the reconciler's cascade queues them")]
    public static partial void DeferredNotQueued(ILogger logger, string pipeline, string run, Exception exception);
}
