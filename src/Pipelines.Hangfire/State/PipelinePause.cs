using System.Collections.Generic;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Whether a pipeline is paused, and since when, as kept in storage: one hash (<see cref="Key"/>) with a field per
/// pipeline, so listing every pipeline's state is one read. A pipeline without a field has never been seen by this
/// storage: it is paused when it says <see cref="PipelineDefinition.PausedOnCreation"/>, and the first server to start
/// writes that down (<see cref="Seed"/>), so an operator's unpause is never undone by the setting.
/// </summary>
internal readonly record struct PipelinePause(bool Paused, Instant? Since)
{
    public const string Key = "pipelines:paused";

    private const string PausedWord = "paused";
    private const string ActiveWord = "active";

    /// <summary>The pause state a stored field gives, or the pipeline's setting when the storage has not seen it.</summary>
    public static PipelinePause Parse(PipelineDefinition pipeline, string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return new PipelinePause(pipeline.PausedOnCreation, null);
        // Every try's start reads the pause, which rarely changes: the field this thread parsed last is parsed once.
        if (t_lastParsed is { } last && string.Equals(last.Stored, stored, System.StringComparison.Ordinal)) return last.Pause;
        var space = stored.IndexOf(' ');
        var word = space < 0 ? stored : stored[..space];
        var pause = new PipelinePause(word == PausedWord, space < 0 ? null : PipelineStore.ParseInstant(stored[(space + 1)..]));
        t_lastParsed = (stored, pause);
        return pause;
    }

    [System.ThreadStatic] private static (string Stored, PipelinePause Pause)? t_lastParsed;

    public static PipelinePause Read(IStorageConnection connection, PipelineDefinition pipeline)
    {
        if (connection is JobStorageConnection fields)
        {
            try
            {
                return Parse(pipeline, fields.GetValueFromHash(Key, pipeline.Id));
            }
            catch (System.NotSupportedException)
            {
                // A storage that keeps Hangfire's default (unsupported) single-field read: read the hash.
            }
        }
        return Parse(pipeline, connection.GetAllEntriesFromHash(Key)?.GetValueOrDefault(pipeline.Id));
    }

    /// <summary>Whether the storage has recorded a state for the pipeline yet.</summary>
    public static bool IsSeen(IStorageConnection connection, string pipelineId) =>
        connection.GetAllEntriesFromHash(Key)?.ContainsKey(pipelineId) == true;

    public static void Write(IWriteOnlyTransaction transaction, string pipelineId, bool paused, Instant at) =>
        transaction.SetRangeInHash(Key, new Dictionary<string, string> { [pipelineId] = (paused ? PausedWord : ActiveWord) + " " + PipelineStore.Format(at) });

    /// <summary>Records the pipeline's <see cref="PipelineDefinition.PausedOnCreation"/> the first time the storage sees it.</summary>
    public static void Seed(IStorageConnection connection, PipelineDefinition pipeline, Instant now)
    {
        if (IsSeen(connection, pipeline.Id)) return;
        using var transaction = connection.CreateWriteTransaction();
        Write(transaction, pipeline.Id, pipeline.PausedOnCreation, now);
        transaction.Commit();
    }
}
