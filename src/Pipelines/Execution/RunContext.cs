using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Pipelines;

/// <summary>What a task knows about the run it belongs to. Declare a <see cref="RunContext"/> parameter to receive it.</summary>
public sealed class RunContext
{
    /// <summary>Creates a context. The runtime does this; tests may too, to call a task method directly.</summary>
    public RunContext(
        string pipelineId,
        string runId,
        string taskId,
        LocalDate logicalDate,
        Interval dataInterval,
        int tryNumber = 1,
        IReadOnlyDictionary<string, string>? parameters = null,
        ILogger? logger = null)
    {
        if (tryNumber < 1) throw new ArgumentOutOfRangeException(nameof(tryNumber), tryNumber, "Try numbers start at 1.");
        PipelineId = pipelineId ?? throw new ArgumentNullException(nameof(pipelineId));
        RunId = runId ?? throw new ArgumentNullException(nameof(runId));
        TaskId = taskId ?? throw new ArgumentNullException(nameof(taskId));
        LogicalDate = logicalDate;
        DataInterval = dataInterval;
        TryNumber = tryNumber;
        Parameters = parameters ?? new Dictionary<string, string>(StringComparer.Ordinal);
        Logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The pipeline id.</summary>
    public string PipelineId { get; }

    /// <summary>The run id.</summary>
    public string RunId { get; }

    /// <summary>The id of the task being run.</summary>
    public string TaskId { get; }

    /// <summary>The run's logical date, in the pipeline's time zone (a session date on a calendar pipeline).</summary>
    public LocalDate LogicalDate { get; }

    /// <summary>The span of time the run covers.</summary>
    public Interval DataInterval { get; }

    /// <summary>Which try this is, from 1.</summary>
    public int TryNumber { get; }

    /// <summary>The parameters the run was triggered with.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>
    /// For an instance of a mapped task (<see cref="MapOverAttribute"/>), the position of its element in the upstream
    /// collection, from 0; null for a task that is not mapped.
    /// </summary>
    public int? MapIndex { get; init; }

    /// <summary>A logger whose output is kept with the task instance.</summary>
    public ILogger Logger { get; }

    // Made by the first extra or the first read: most tries set none, and the runtime reads them only through HasAssetExtra.
    private Dictionary<string, string>? _assetExtra;
    private System.Collections.ObjectModel.ReadOnlyDictionary<string, string>? _assetExtraView;

    /// <summary>
    /// Extra data for the asset events this try records if it succeeds (<see cref="SetAssetExtra"/>): a read-only view
    /// that shows every extra set, also those set after it was read.
    /// </summary>
    public IReadOnlyDictionary<string, string> AssetExtra => _assetExtraView ??= new(_assetExtra ??= new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>Whether any extra data was set (<see cref="SetAssetExtra"/>), read without making <see cref="AssetExtra"/>'s view.</summary>
    public bool HasAssetExtra => _assetExtra is { Count: > 0 };

    /// <summary>
    /// Adds extra data, such as a row count or a file path, to the asset event of every asset the task produces
    /// (<see cref="ProducesAttribute"/>), recorded when the try succeeds; shown with the event and passed to consumers.
    /// </summary>
    /// <example><code>run.SetAssetExtra("rows", rows.Count.ToString(CultureInfo.InvariantCulture));</code></example>
    public void SetAssetExtra(string key, string value)
    {
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("An extra data key must not be empty.", nameof(key));
        (_assetExtra ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = value ?? throw new ArgumentNullException(nameof(value));
    }
}
