using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

[Pipeline("nightly_new_york", Schedule = "0 4 * * *", TimeZone = "America/New_York", StartDate = "2024-03-08", Catchup = true, MaxActiveRuns = 3)]
public sealed partial class NightlyNewYork(SideEffects effects)
{
    [PipelineTask] public void Load(RunContext run) => effects.Record(run);
}

[Pipeline("weekday_sessions", Schedule = "0 18 * * 1-5", TimeZone = "America/New_York", Calendar = "XNYS", StartDate = "2024-11-25", Catchup = true)]
public sealed partial class WeekdaySessions(SideEffects effects)
{
    [PipelineTask] public void Settle(RunContext run) => effects.Record(run);
}

[Pipeline("hourly_london", Schedule = "@hourly", TimeZone = "Europe/London")]
public sealed partial class HourlyLondon(SideEffects effects)
{
    [PipelineTask] public void Report(RunContext run) => effects.Record(run);
}

[Pipeline("after_close", Schedule = "@session_close+00:30", TimeZone = "America/New_York", Calendar = "XNYS", StartDate = "2024-11-25", Catchup = true)]
public sealed partial class AfterClose(SideEffects effects)
{
    [PipelineTask] public void Reconcile(RunContext run) => effects.Record(run);
}

[Pipeline("morning_after_session", Schedule = "@after_session 04:00", TimeZone = "America/New_York", Calendar = "XNYS", StartDate = "2024-11-25", Catchup = true)]
public sealed partial class MorningAfterSession(SideEffects effects)
{
    [PipelineTask] public void Load(RunContext run) => effects.Record(run);
}

[Pipeline("latest_close", Schedule = "@session_close+00:30", TimeZone = "America/New_York", Calendar = "XNYS")]
public sealed partial class LatestClose(SideEffects effects)
{
    [PipelineTask] public void Reconcile(RunContext run) => effects.Record(run);
}

[Pipeline("one_off_migration", Schedule = "@once", StartDate = "2024-06-03")]
public sealed partial class OneOffMigration(SideEffects effects)
{
    [PipelineTask] public void Migrate(RunContext run) => effects.Record(run);
}


[Pipeline("every_five_minutes", Schedule = "*/5 * * * *", TimeZone = "Etc/UTC", Catchup = false)]
public sealed partial class EveryFiveMinutes(SideEffects effects)
{
    [PipelineTask] public void Sample(RunContext run) => effects.Record(run);
}
