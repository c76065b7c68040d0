using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>What happens while some instances of a mapped task still run: a downstream rule fires on the instances done so far, and a clear never runs one instance twice at once.</summary>
public sealed class MappedInstanceTimingTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { MappedHold.Definition });

    public async Task DisposeAsync()
    {
        _host.Effects.Flags.Clear();
        await _host.DisposeAsync();
    }

    private PipelineRun Run(string runId) => _host.Operations.GetRun("mapped_hold", runId)!;

    [Fact]
    public async Task One_failed_fires_on_the_first_failed_instance_while_another_still_runs()
    {
        _host.Effects.Flags["fail 0"] = 1;
        _host.Effects.Flags["hold 1"] = 1;
        var runId = _host.Operations.Trigger("mapped_hold", new LocalDate(2024, 6, 3));

        // Airflow's one_failed fires as soon as one upstream task instance failed; it does not wait for the others.
        await Poll.UntilAsync(() => Run(runId)["Alert"].State == TaskState.Success, "Alert to run on Work[0]'s failure");
        Assert.Equal(TaskState.Running, Run(runId).Instances["Work"][1].State);
        Assert.Equal(TaskState.Failed, Run(runId).Instances["Work"][0].State);

        _host.Effects.Flags["hold 1"] = 0;
        var run = await _host.WaitAsync("mapped_hold", runId);
        Assert.Equal(TaskState.Failed, run["Work"].State);
        // The run's outcome comes from its leaf, Alert, which succeeded.
        Assert.Equal(RunState.Success, run.State);
    }

    [Fact]
    public async Task Clearing_a_mapped_task_while_an_instance_runs_runs_that_instance_again_after_its_try_not_beside_it()
    {
        _host.Effects.Flags["hold 1"] = 1;
        var runId = _host.Operations.Trigger("mapped_hold", new LocalDate(2024, 6, 4));
        await Poll.UntilAsync(() => _host.Effects.Count(runId, "Work", "item1") == 1 && _host.Effects.Count(runId, "Work", "item0") == 1 && Run(runId).Instances["Work"][0].State == TaskState.Success,
            "Work[0] to succeed while Work[1] runs");

        _host.Operations.Clear("mapped_hold", runId, new[] { "Work" }, ClearScope.Task);
        // The finished instance runs again at once; the running one is left to its try.
        await Poll.UntilAsync(() => _host.Effects.Count(runId, "Work", "item0") == 2, "Work[0] to run again after the clear");
        await Poll.UntilAsync(() => Run(runId).Instances["Work"][0].State == TaskState.Success, "Work[0]'s second try to end");
        Assert.Equal(TaskState.Running, Run(runId).Instances["Work"][1].State);

        _host.Effects.Flags["hold 1"] = 0;
        var run = await _host.WaitAsync("mapped_hold", runId);
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(TaskState.Success, run.Instances["Work"][1].State);
        // The try that ran through the clear had its result discarded and the instance ran once more, never two at once.
        Assert.Equal(2, _host.Effects.Count(runId, "Work", "item1"));
        Assert.Equal(1, _host.Effects.Flags["most running 1"]);
    }
}
