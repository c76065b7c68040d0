using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Testing.Tests;

/// <summary>What the tasks of the test pipelines call: a fake the tests register and script.</summary>
public sealed class FakeWarehouse
{
    public int FailuresLeft { get; set; }

    public List<string> Loaded { get; } = new();

    /// <summary>When the vendor's file lands, on the test's clock; null for never.</summary>
    public Instant? FileLandsAt { get; set; }

    public int Pokes { get; set; }
}

public sealed record Extract(LocalDate Session, int Rows);

/// <summary>Extract, transform, load; the load fails while the warehouse says so, and is retried every five minutes.</summary>
[Pipeline("testing_etl")]
public sealed partial class Etl(FakeWarehouse warehouse)
{
    [PipelineTask]
    public Extract ExtractRows(RunContext run)
    {
        run.Logger.LogInformation("Extracted {Rows} rows for {Session}", 42, run.LogicalDate);
        return new Extract(run.LogicalDate, 42);
    }

    [PipelineTask]
    public int Transform([FromTask(nameof(ExtractRows))] Extract extract) => extract.Rows * 2;

    [PipelineTask(Retries = 2, RetryDelay = "00:05:00")]
    public void Load([FromTask(nameof(Transform))] int rows, RunContext run)
    {
        if (warehouse.FailuresLeft-- > 0) throw new IOException($"the warehouse refused try {run.TryNumber}");
        warehouse.Loaded.Add($"{run.LogicalDate:uuuu-MM-dd}:{rows}");
    }

    /// <summary>Runs whatever happened to the load; a failed load it handles does not fail the run (its leaves decide).</summary>
    [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(Load))]
    public void Cleanup(RunContext run) => run.Logger.LogInformation("Cleaned up");
}

/// <summary>A branch on the weekday, a join after it, and a condition that skips what follows on weekends.</summary>
[Pipeline("testing_branches")]
public sealed partial class Branches
{
    [PipelineTask, Condition]
    public static bool IsWeekday(RunContext run) => run.LogicalDate.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday);

    [PipelineTask, Branch(nameof(MeetingNotice), nameof(LunchReminder)), DependsOn(nameof(IsWeekday))]
    public static string Choose(RunContext run) => run.LogicalDate.DayOfWeek == IsoDayOfWeek.Wednesday ? nameof(MeetingNotice) : nameof(LunchReminder);

    [PipelineTask, DependsOn(nameof(Choose))] public static string MeetingNotice() => "meeting";

    [PipelineTask, DependsOn(nameof(Choose))] public static string LunchReminder() => "lunch";

    [PipelineTask(Trigger = TriggerRule.NoneFailedMinOneSuccess), DependsOn(nameof(MeetingNotice), nameof(LunchReminder))]
    public static void Posted(RunContext run) => run.Logger.LogInformation("Posted");
}

/// <summary>Sensors in both modes, poked every five minutes for up to an hour, then an ingest.</summary>
[Pipeline("testing_sensors")]
public sealed partial class Sensors(FakeWarehouse warehouse, IClock clock)
{
    [PipelineTask, Sensor(PokeInterval = "00:05:00", Timeout = "01:00:00")]
    public bool FileLanded() => Poke();

    [PipelineTask, Sensor(PokeInterval = "00:05:00", Timeout = "01:00:00", Mode = SensorMode.Poke), DependsOn(nameof(FileLanded))]
    public bool FileStill() => Poke();

    [PipelineTask, DependsOn(nameof(FileStill))]
    public static void Ingest(RunContext run) => run.Logger.LogInformation("Ingested");

    private bool Poke()
    {
        warehouse.Pokes++;
        return warehouse.FileLandsAt is { } at && clock.GetCurrentInstant() >= at;
    }
}

/// <summary>One task that reads the run's parameters.</summary>
[Pipeline("testing_parameters")]
public sealed partial class Parameters
{
    [PipelineTask]
    public static string Region(RunContext run) => run.Parameters.TryGetValue("region", out var region) ? region : "all";
}
