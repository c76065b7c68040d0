using Pipelines.FaultInjection.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pipelines.FaultInjection.Tests;

/// <summary>
/// Issue 10's fault-injection suite: two real `serve` processes on one PostgreSQL database run the fault_fan pipeline
/// (Start → F01..F12 → Join → Shards → Ship[0..5], mapped → Publish, typed inputs) while the suite kills them with SIGKILL, or restarts the database.
/// Afterwards every run succeeded, every task's side effect happened at least once, no downstream started before its
/// upstream ended, and no try executed twice without a fault in between. Each test prints its seed (FAULT_SEED repeats
/// it) and the time to recover; FAULT_RECOVERY_SECONDS (default 90) bounds how long runs get after the last fault.
/// </summary>
[Trait("Category", "Faults")]
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    private const int KilledRuns = 18;
    private const int Kills = 3;
    private const int RestartRuns = 10;

    [Fact]
    public async Task Runs_finish_correctly_when_servers_are_killed_with_SIGKILL_at_random_moments_and_restarted()
    {
        await using var scenario = FaultScenario.Create("kill", output);
        await scenario.StartServersAsync();

        // A third of the runs at once, the rest spread over about fifteen seconds, while servers die under them.
        var triggering = Task.Run(async () =>
        {
            for (var i = 0; i < KilledRuns; i++)
            {
                scenario.Trigger();
                if (i >= KilledRuns / 3) await Task.Delay(TimeSpan.FromMilliseconds(800 + scenario.TriggerRandom.Next(700)));
            }
        });
        for (var kill = 0; kill < Kills; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1500 + scenario.Random.Next(3500)));
            var victim = scenario.Servers[scenario.Random.Next(scenario.Servers.Count)];
            await scenario.KillAndRestartAsync(victim, TimeSpan.FromMilliseconds(500 + scenario.Random.Next(2500)));
        }
        await triggering;

        var violations = await scenario.WaitForRunsAsync();
        var runs = scenario.ReadRuns(out var error) ?? throw new InvalidOperationException($"cannot read the runs: {error}");
        scenario.ReportRecovery(runs);
        violations.AddRange(scenario.CheckInvariants(runs));
        scenario.AssertNone(violations);
    }

    [Fact]
    public async Task Runs_finish_correctly_when_the_database_restarts_mid_run()
    {
        await using var scenario = FaultScenario.Create("dbrestart", output);
        await scenario.StartServersAsync();

        for (var i = 0; i < RestartRuns; i++)
        {
            scenario.Trigger();
            await Task.Delay(TimeSpan.FromMilliseconds(200 + scenario.Random.Next(300)));
        }
        await Task.Delay(TimeSpan.FromMilliseconds(1000 + scenario.Random.Next(2000)));
        await scenario.RestartDatabaseAsync(TimeSpan.FromSeconds(3 + scenario.Random.Next(3)));

        var violations = await scenario.WaitForRunsAsync();
        var runs = scenario.ReadRuns(out var error) ?? throw new InvalidOperationException($"cannot read the runs: {error}");
        scenario.ReportRecovery(runs);
        violations.AddRange(scenario.CheckInvariants(runs));
        scenario.AssertNone(violations);
    }
}
