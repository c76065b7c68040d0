using NodaTime;

namespace Pipelines.Hangfire.Tests;

public sealed class RunIdTests
{
    private static readonly LocalDate Date = new(2024, 3, 8);

    [Fact]
    public void Each_kind_writes_its_prefix_and_a_key_and_reads_back_the_same()
    {
        var now = Instant.FromUtc(2024, 3, 8, 21, 0);
        foreach (var id in new[] { RunId.Scheduled(Date), RunId.Backfill(Date), RunId.Manual(Date, now), RunId.ScheduledAt(new LocalDateTime(2024, 3, 8, 16, 0).WithOffset(Offset.FromHours(-5))) })
        {
            Assert.Equal(id, RunId.Parse(id.ToString()));
            Assert.Equal(id.Kind, RunId.Parse(id.Value).Kind);
        }
        Assert.Equal("scheduled__2024-03-08", RunId.Scheduled(Date).Value);
        Assert.Equal("backfill__2024-03-08", RunId.Backfill(Date).Value);
        Assert.Equal("scheduled__2024-03-08T16:00-05:00", RunId.ScheduledAt(new LocalDateTime(2024, 3, 8, 16, 0).WithOffset(Offset.FromHours(-5))).Value);
        Assert.StartsWith("manual__2024-03-08__", RunId.Manual(Date, now).Value, StringComparison.Ordinal);
        Assert.NotEqual(RunId.Manual(Date, now), RunId.Manual(Date, now));
        Assert.Equal(RunKind.Scheduled, RunId.Parse("scheduled__once").Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-03-08")]
    [InlineData("nightly__2024-03-08")]
    [InlineData("manual__")]
    [InlineData("__2024-03-08")]
    [InlineData("manual__2024-03-08 x")]
    public void Anything_else_is_not_a_run_id(string text)
    {
        Assert.False(RunId.TryParse(text, out _));
        Assert.StartsWith($"'{text}' is not a run id", Assert.Throws<FormatException>(() => RunId.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunIds_makes_the_same_ids_as_before()
    {
        Assert.Equal("backfill__2024-03-08", RunIds.For(RunKind.Backfill, Date, Instant.FromUtc(2024, 3, 9, 0, 0)));
        Assert.Equal("scheduled__2024-03-08", RunIds.For(RunKind.Scheduled, Date, Instant.FromUtc(2024, 3, 9, 0, 0)));
        Assert.Matches("^manual__2024-03-08__[0-9a-f]+$", RunIds.For(RunKind.Manual, Date, Instant.FromUtc(2024, 3, 9, 0, 0)));
    }
}

/// <summary>What a thread remembers between a try's start and end (the run's keys, the pause it parsed) never answers for another run or another pause.</summary>
public sealed class ThreadRememberedTests
{
    [Fact]
    public void Keys_of_runs_named_in_turn_on_one_thread_are_each_runs_own()
    {
        foreach (var (pipeline, run) in new[] { ("p", "r1"), ("p", "r2"), ("p", "r1"), ("q", "r1"), ("p", "r1") })
        {
            Assert.Equal($"pipelines:run:{pipeline}:{run}", PipelineStore.RunKey(pipeline, run));
            Assert.Equal($"pipelines:run:{pipeline}:{run}:tasks", PipelineStore.TasksKey(pipeline, run));
            Assert.Equal($"pipelines:run:{pipeline}:{run}:tally", PipelineStore.TallyKey(pipeline, run));
            Assert.Equal($"pipelines:run:{pipeline}:{run}:outputs", PipelineStore.OutputsKey(pipeline, run));
            Assert.Equal($"pipelines:run:{pipeline}:{run}:results", PipelineStore.ResultsKey(pipeline, run));
            Assert.Equal($"pipelines:run:{pipeline}:{run}:alive", PipelineStore.AliveKey(pipeline, run));
            Assert.Equal($"pipelines:lock:run:{pipeline}:{run}", PipelineStore.RunLock(pipeline, run));
        }
    }

    [Fact]
    public void A_pause_parsed_in_turn_with_others_on_one_thread_reads_as_stored()
    {
        var pipeline = Pipelines.Hangfire.Tests.TestPipelines.PastPipelines.DependsOnPast;
        var at = NodaTime.Instant.FromUtc(2026, 12, 3, 23, 0);
        foreach (var (stored, paused, since) in new (string, bool, NodaTime.Instant)[]
                 { ("paused " + PipelineStore.Format(at), true, at), ("active " + PipelineStore.Format(at), false, at), ("paused " + PipelineStore.Format(at), true, at),
                   ("paused " + PipelineStore.Format(at + NodaTime.Duration.FromSeconds(1)), true, at + NodaTime.Duration.FromSeconds(1)) })
        {
            var pause = PipelinePause.Parse(pipeline, stored);
            Assert.Equal(paused, pause.Paused);
            Assert.Equal(since, pause.Since);
        }
        Assert.Equal(new PipelinePause(pipeline.PausedOnCreation, null), PipelinePause.Parse(pipeline, null));
    }
}
