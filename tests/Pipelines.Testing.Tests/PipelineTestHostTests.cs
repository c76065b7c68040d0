using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire;

namespace Pipelines.Testing.Tests;

/// <summary>The test host runs pipelines in-process with the runtime's own rules, on a fake clock, with no Hangfire server.</summary>
public sealed class PipelineTestHostTests
{
    private static readonly LocalDate Wednesday = new(2024, 11, 27);
    private static readonly Instant Start = Instant.FromUtc(2024, 11, 28, 9, 0);

    private readonly FakeWarehouse _warehouse = new();
    private readonly FakeClock _clock = new(Start);

    private PipelineTestHost Host<TPipeline>() where TPipeline : class =>
        PipelineTestHost.For<TPipeline>(services => services.AddSingleton(_warehouse).AddSingleton<IClock>(_clock)).WithClock(_clock);

    [Fact]
    public async Task A_run_succeeds_with_every_task_output_and_log_line()
    {
        var result = await Host<Etl>().RunAsync(Wednesday);

        Assert.Equal(RunState.Success, result.State);
        Assert.All(result.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        Assert.Equal(new Extract(Wednesday, 42), result.Output<Extract>("ExtractRows"));
        Assert.Equal(84, result.Output<int>("Transform"));
        Assert.False(result["Load"].HasOutput);
        Assert.Equal(1, result["Load"].Tries);
        Assert.StartsWith("Extracted 42 rows for ", Assert.Single(result["ExtractRows"].LogMessages));
        Assert.Equal(new[] { "2024-11-27:84" }, _warehouse.Loaded);
        Assert.Equal(Start, result.FinishedAt);
    }

    [Fact]
    public async Task A_failing_task_is_retried_after_its_delay_on_the_fake_clock_without_waiting()
    {
        _warehouse.FailuresLeft = 2;

        var result = await Host<Etl>().RunAsync(Wednesday);

        Assert.Equal(RunState.Success, result.State);
        Assert.Equal(3, result["Load"].Tries);
        Assert.Equal("Succeeded on try 3.", result["Load"].Reason);
        Assert.Equal(2, result["Load"].Log.Count(l => l.Level == Microsoft.Extensions.Logging.LogLevel.Error));
        // Two retry delays of five minutes each, on the fake clock.
        Assert.Equal(Start + Duration.FromMinutes(10), _clock.GetCurrentInstant());
        Assert.Equal(Start + Duration.FromMinutes(10), result["Load"].Start);
    }

    [Fact]
    public async Task A_task_that_fails_every_try_fails_and_a_handled_failure_does_not_fail_the_run()
    {
        _warehouse.FailuresLeft = 3;

        var result = await Host<Etl>().RunAsync(Wednesday);

        Assert.Equal(TaskState.Failed, result["Load"].State);
        Assert.Equal(3, result["Load"].Tries);
        Assert.Contains("the warehouse refused try 3", result["Load"].Reason);
        Assert.Equal(TaskState.Success, result["Cleanup"].State);
        // Cleanup (AllDone) is the only leaf, and it succeeded: the runtime's rule says the run succeeded.
        Assert.Equal(RunState.Success, result.State);
        Assert.Contains("handled downstream", result.Message);
        var output = Assert.Throws<InvalidOperationException>(() => result.Output<int>("Load"));
        Assert.Contains("failed after 3 tries", output.Message);
    }

    [Fact]
    public async Task A_branch_runs_its_choice_and_skips_the_other_target()
    {
        var result = await Host<Branches>().RunAsync(Wednesday);

        Assert.Equal(RunState.Success, result.State);
        Assert.Equal(TaskState.Success, result["MeetingNotice"].State);
        Assert.Equal(TaskState.Skipped, result["LunchReminder"].State);
        Assert.Contains("chose MeetingNotice", result["LunchReminder"].Reason);
        Assert.Equal(TaskState.Success, result["Posted"].State);
        Assert.Equal("meeting", result.Output<string>("MeetingNotice"));
    }

    [Fact]
    public async Task A_false_condition_skips_everything_downstream()
    {
        var result = await Host<Branches>().RunAsync(new LocalDate(2024, 11, 30));

        Assert.Equal(RunState.Success, result.State);
        Assert.Equal(TaskState.Success, result["IsWeekday"].State);
        Assert.All(new[] { "Choose", "MeetingNotice", "LunchReminder", "Posted" }, id => Assert.Equal(TaskState.Skipped, result[id].State));
    }

    [Fact]
    public async Task Sensors_are_poked_on_the_fake_clock_until_satisfied()
    {
        _warehouse.FileLandsAt = Start + Duration.FromMinutes(12);

        var result = await Host<Sensors>().RunAsync(Wednesday);

        Assert.Equal(RunState.Success, result.State);
        // Pokes at 0, 5, 10 and 15 minutes (rescheduled), then the poke-mode sensor once: satisfied.
        Assert.Equal(5, _warehouse.Pokes);
        Assert.Equal(1, result["FileLanded"].Tries);
        Assert.Equal(Start + Duration.FromMinutes(15), result.FinishedAt);
        Assert.Contains("Ingested", result["Ingest"].LogMessages);
    }

    [Fact]
    public async Task A_sensor_that_is_never_satisfied_fails_at_its_timeout_and_fails_the_run()
    {
        var result = await Host<Sensors>().RunAsync(Wednesday);

        Assert.Equal(TaskState.Failed, result["FileLanded"].State);
        Assert.StartsWith("Sensor timed out", result["FileLanded"].Reason);
        Assert.Equal(TaskState.UpstreamFailed, result["FileStill"].State);
        Assert.Equal(TaskState.UpstreamFailed, result["Ingest"].State);
        Assert.Equal(RunState.Failed, result.State);
        Assert.Contains("Ingest", result.Message);
        Assert.Equal(Start + Duration.FromHours(1), result.FinishedAt);
        Assert.Equal(13, _warehouse.Pokes);
    }

    [Fact]
    public async Task A_poke_mode_sensor_waits_within_its_try_on_the_fake_clock()
    {
        var result = await Host<Sensors>().RunTaskAsync("FileStill", Wednesday);

        Assert.Equal(TaskState.Failed, result.State);
        Assert.Equal(1, result.Tries);
        Assert.Equal(Start + Duration.FromHours(1), _clock.GetCurrentInstant());
    }

    [Fact]
    public async Task One_task_runs_with_the_upstream_outputs_given()
    {
        var result = await Host<Etl>().RunTaskAsync("Transform", Wednesday, outputs: new Dictionary<string, object?> { ["ExtractRows"] = new Extract(Wednesday, 5) });

        Assert.Equal(TaskState.Success, result.State);
        Assert.Equal(10, result.Output<int>());
        Assert.Empty(_warehouse.Loaded);
    }

    [Fact]
    public async Task One_task_runs_again_on_an_earlier_runs_outputs_with_its_retries()
    {
        var host = Host<Etl>();
        var earlier = await host.RunAsync(Wednesday);
        _warehouse.FailuresLeft = 1;

        var load = await host.RunTaskAsync("Load", earlier);

        Assert.Equal(TaskState.Success, load.State);
        Assert.Equal(2, load.Tries);
        Assert.Equal(new[] { "2024-11-27:84", "2024-11-27:84" }, _warehouse.Loaded);
    }

    [Fact]
    public async Task One_task_without_an_output_for_its_input_is_refused_with_the_fix()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Host<Etl>().RunTaskAsync("Transform", Wednesday));

        Assert.Contains("reads the output of 'ExtractRows'", error.Message);
        Assert.Contains("[\"ExtractRows\"] = ...", error.Message);
    }

    [Fact]
    public async Task A_wrong_task_id_names_the_pipelines_tasks()
    {
        var host = Host<Etl>();

        var running = await Assert.ThrowsAsync<ArgumentException>(() => host.RunTaskAsync("Extract", Wednesday));
        Assert.Contains("Pipeline 'testing_etl' has no task 'Extract'. Its tasks are: ExtractRows, Transform, Load, Cleanup.", running.Message);

        var result = await host.RunAsync(Wednesday);
        var reading = Assert.Throws<ArgumentException>(() => result["Extract"]);
        Assert.Contains("Its tasks are: ExtractRows, Transform, Load, Cleanup.", reading.Message);
    }

    [Fact]
    public void A_class_that_is_not_a_pipeline_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PipelineTestHost.For<FakeWarehouse>());
        Assert.Contains("is not a compiled pipeline", error.Message);
    }

    [Fact]
    public async Task Without_a_clock_each_run_starts_the_day_after_its_logical_date()
    {
        var result = await PipelineTestHost.For<Branches>().RunAsync(Wednesday);

        Assert.Equal(Instant.FromUtc(2024, 11, 28, 0, 0), result.FinishedAt);
        Assert.Equal(Wednesday, result.LogicalDate);
    }

    [Fact]
    public async Task A_run_gets_the_parameters_it_was_triggered_with()
    {
        var host = PipelineTestHost.For<Parameters>();

        var emea = await host.RunAsync(Wednesday, new Dictionary<string, string> { ["region"] = "emea" });
        var plain = await host.RunAsync(Wednesday);

        Assert.Equal("emea", emea.Output<string>("Region"));
        Assert.Equal("all", plain.Output<string>("Region"));
    }

    [Fact]
    public async Task An_earlier_run_of_another_pipeline_is_refused()
    {
        var other = await PipelineTestHost.For<Parameters>().RunAsync(Wednesday);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Host<Etl>().RunTaskAsync("Load", other));
        Assert.Contains("is of pipeline 'testing_parameters', not 'testing_etl'", error.Message);
    }
}
