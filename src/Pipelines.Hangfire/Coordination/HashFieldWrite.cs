namespace Pipelines.Hangfire;

/// <summary>
/// One field of a Hangfire hash to write (an upsert), such as a try's result that must be kept before its step waits for
/// the run's lock (<see cref="IPipelineReadStorage.AcquirePipelineLockAndRead"/>).
/// </summary>
/// <param name="Key">The hash's key.</param>
/// <param name="Field">The field.</param>
/// <param name="Value">Its new value.</param>
public sealed record HashFieldWrite(string Key, string Field, string Value);
