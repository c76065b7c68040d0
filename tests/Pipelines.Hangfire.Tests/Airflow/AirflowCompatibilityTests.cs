using global::Hangfire;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using static Pipelines.Hangfire.Tests.Airflow.SmallDag;

namespace Pipelines.Hangfire.Tests.Airflow;

/// <summary>
/// Small DAGs whose task and run states are written from Airflow's documented rules and source (trigger_rule_dep.py,
/// DagRun.update_state, SkipMixin.skip_all_except, ShortCircuitOperator), not from our output. Each storage runs the same
/// table (<see cref="InMemoryAirflowCompatibilityTests"/>, <see cref="PostgreSqlAirflowCompatibilityTests"/>).
/// </summary>
public abstract class AirflowCompatibilityTests : IAsyncLifetime
{
    /// <summary>name → (DAG, expected task states "Task=state ...", expected run state).</summary>
    public static readonly Dictionary<string, (DagTask[] Dag, string Tasks, RunState Run)> Cases = new()
    {
        // trigger_rule_dep: ALL_DONE_MIN_ONE_SUCCESS, "if skipped > 0: SKIPPED".
        ["all_done_min_one_success_with_a_skipped_upstream_is_skipped"] = (
            new[] { T("Ok"), Branch("Gate", new[] { "Skipped", "Chosen" }, new[] { "Chosen" }), T("Skipped", "Gate"), T("Chosen", "Gate"), T("Join", TriggerRule.AllDoneMinOneSuccess, "Ok", "Skipped") },
            "Ok=success Gate=success Skipped=skipped Chosen=success Join=skipped", RunState.Success),
        // trigger_rule_dep: ALL_DONE_MIN_ONE_SUCCESS, "all non-skipped done but no successes: UPSTREAM_FAILED".
        ["all_done_min_one_success_with_every_upstream_failed_is_upstream_failed"] = (
            new[] { Fail("Bad1"), Fail("Bad2"), T("Join", TriggerRule.AllDoneMinOneSuccess, "Bad1", "Bad2") },
            "Bad1=failed Bad2=failed Join=upstream_failed", RunState.Failed),
        ["all_done_min_one_success_with_one_success_runs"] = (
            new[] { T("Ok"), Fail("Bad"), T("Join", TriggerRule.AllDoneMinOneSuccess, "Ok", "Bad") },
            "Ok=success Bad=failed Join=success", RunState.Success),
        // DagRun.update_state: the run's outcome comes from its leaf tasks.
        ["a_failure_handled_by_an_all_done_cleanup_is_a_successful_run"] = (
            new[] { Fail("Load"), T("Cleanup", TriggerRule.AllDone, "Load") },
            "Load=failed Cleanup=success", RunState.Success),
        ["a_failure_handled_by_a_one_failed_alert_is_a_successful_run"] = (
            new[] { Fail("Bad"), T("Alert", TriggerRule.OneFailed, "Bad") },
            "Bad=failed Alert=success", RunState.Success),
        ["a_failed_leaf_fails_the_run"] = (
            new[] { T("Extract"), Fail("Load", "Extract"), T("Report", "Extract") },
            "Extract=success Load=failed Report=success", RunState.Failed),
        ["an_upstream_failed_leaf_fails_the_run"] = (
            new[] { Fail("Extract"), T("Load", "Extract"), T("Cleanup", TriggerRule.AllDone, "Extract") },
            "Extract=failed Load=upstream_failed Cleanup=success", RunState.Failed),
        ["a_run_whose_leaves_are_skipped_succeeds"] = (
            new[] { Condition("IsSession", false, TriggerRule.AllSuccess), T("Load", "IsSession") },
            "IsSession=success Load=skipped", RunState.Success),
        // skip_all_except: a target downstream of a chosen target is not skipped.
        ["a_branch_does_not_skip_a_target_downstream_of_the_chosen_one"] = (
            new[] { Branch("Gate", new[] { "A", "Join" }, new[] { "A" }), T("A", "Gate"), T("Join", TriggerRule.NoneFailedMinOneSuccess, "Gate", "A") },
            "Gate=success A=success Join=success", RunState.Success),
        ["a_branch_skips_the_other_targets_and_their_all_success_downstream"] = (
            new[] { Branch("Gate", new[] { "A", "B" }, new[] { "A" }), T("A", "Gate"), T("B", "Gate"), T("AfterB", "B"), T("Join", TriggerRule.NoneFailedMinOneSuccess, "A", "AfterB") },
            "Gate=success A=success B=skipped AfterB=skipped Join=success", RunState.Success),
        ["a_branch_that_chooses_nothing_skips_every_target"] = (
            new[] { Branch("Gate", new[] { "A", "B" }, Array.Empty<string>()), T("A", "Gate"), T("B", "Gate") },
            "Gate=success A=skipped B=skipped", RunState.Success),
        // ShortCircuitOperator: everything downstream not running, success or failed is skipped, upstream_failed included.
        ["a_false_condition_skips_a_downstream_task_already_upstream_failed"] = (
            new[] { Fail("Bad"), Condition("Gate", false, TriggerRule.AllDone, "Bad"), T("Load", "Bad", "Gate"), T("Report", TriggerRule.AllDone, "Load", "Gate") },
            "Bad=failed Gate=success Load=skipped Report=skipped", RunState.Success),
        // ...and spares what already ran: Hasty (always) failed before the condition ended, Slow (always) is running then.
        ["a_false_condition_spares_downstream_tasks_that_failed_or_are_running"] = (
            new[] { Condition("Gate", false, TriggerRule.AllSuccess).Taking(2000), Fail("Hasty", TriggerRule.Always, "Gate"), T("Slow", TriggerRule.Always, "Gate").Taking(5000), T("Load", "Gate") },
            "Gate=success Hasty=failed Slow=success Load=skipped", RunState.Failed),
        ["a_true_condition_skips_nothing"] = (
            new[] { Condition("Gate", true, TriggerRule.AllSuccess), T("Load", "Gate") },
            "Gate=success Load=success", RunState.Success),
    };

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    private static readonly PipelineDefinition[] Pipelines = Cases.Select(c => Build(c.Key, c.Value.Dag)).ToArray();

    private PipelineHost _host = null!;

    protected abstract JobStorage CreateStorage();

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(CreateStorage(), Pipelines);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Task_and_run_states_are_Airflows(string name)
    {
        var (_, tasks, expectedRun) = Cases[name];
        var run = await _host.RunAsync(name, new LocalDate(2024, 5, 6));
        var actual = string.Join(" ", run.Tasks.Select(t => $"{t.TaskId}={t.State.Name()}"));
        Assert.True(Canonical(tasks, run) == actual, $"expected {Canonical(tasks, run)}\n  actual {actual}\n" + string.Join("\n", run.Tasks.Select(t => $"  {t.TaskId}: {t.Reason}")));
        Assert.Equal(expectedRun, run.State);
    }

    /// <summary>The expected states in the run's task order, so the comparison shows every task at once.</summary>
    private static string Canonical(string expected, PipelineRun run)
    {
        var states = expected.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return string.Join(" ", run.Tasks.Select(t => $"{t.TaskId}={states[t.TaskId]}"));
    }
}

public sealed class InMemoryAirflowCompatibilityTests : AirflowCompatibilityTests
{
    protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
}

public sealed class PostgreSqlAirflowCompatibilityTests : AirflowCompatibilityTests, IClassFixture<PostgreSqlAirflowCompatibilityTests.Database>
{
    private readonly Database _database;

    public PostgreSqlAirflowCompatibilityTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : PostgresDatabase("airflow");
}

public sealed class RedisAirflowCompatibilityTests : AirflowCompatibilityTests
{
    private static readonly string s_prefix = RedisServer.NewPrefix("airflow");

    protected override JobStorage CreateStorage() => PipelineHost.RedisStorage(s_prefix);
}
