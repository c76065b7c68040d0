using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

[Pipeline("lunch_bot")]
public sealed partial class LunchBot(SideEffects effects)
{
    [PipelineTask, Condition]
    public bool IsMarketDay(RunContext run) => run.LogicalDate.DayOfWeek is not (NodaTime.IsoDayOfWeek.Saturday or NodaTime.IsoDayOfWeek.Sunday);

    [PipelineTask, Branch(nameof(PostMeetingNotice), nameof(PostLunchReminder)), DependsOn(nameof(IsMarketDay))]
    public string IsCompanyMeeting(RunContext run) =>
        run.LogicalDate.DayOfWeek == NodaTime.IsoDayOfWeek.Wednesday ? nameof(PostMeetingNotice) : nameof(PostLunchReminder);

    [PipelineTask, DependsOn(nameof(IsCompanyMeeting))] public void PostMeetingNotice(RunContext run) => effects.Record(run);
    [PipelineTask, DependsOn(nameof(IsCompanyMeeting))] public void PostLunchReminder(RunContext run) => effects.Record(run);
    [PipelineTask, DependsOn(nameof(PostLunchReminder))] public void AfterReminder(RunContext run) => effects.Record(run);

    [PipelineTask(Trigger = TriggerRule.NoneFailedMinOneSuccess), DependsOn(nameof(PostMeetingNotice), nameof(PostLunchReminder))]
    public void Done(RunContext run) => effects.Record(run);
}

[Pipeline("sensors")]
public sealed partial class Sensors(SideEffects effects)
{
    /// <summary>Satisfied on its third poke.</summary>
    [PipelineTask, Sensor(PokeInterval = "00:00:00.300", Timeout = "00:01:00")]
    public bool FileArrived(RunContext run) => effects.Record(run, "poke") >= 3;

    [PipelineTask, DependsOn(nameof(FileArrived))] public void Ingest(RunContext run) => effects.Record(run);
}

[Pipeline("sensor_timeout")]
public sealed partial class SensorTimeout(SideEffects effects)
{
    [PipelineTask, Sensor(PokeInterval = "00:00:00.300", Timeout = "00:00:01")]
    public bool NeverArrives(RunContext run) { effects.Record(run, "poke"); return false; }

    [PipelineTask, DependsOn(nameof(NeverArrives))] public void Ingest(RunContext run) => effects.Record(run);
}

[Pipeline("sensor_soft_fail")]
public sealed partial class SensorSoftFail(SideEffects effects)
{
    [PipelineTask, Sensor(PokeInterval = "00:00:00.300", Timeout = "00:00:01", SoftFail = true)]
    public bool NeverArrives(RunContext run) { effects.Record(run, "poke"); return false; }

    [PipelineTask, DependsOn(nameof(NeverArrives))] public void Ingest(RunContext run) => effects.Record(run);
}

[Pipeline("sensor_retry")]
public sealed partial class SensorRetry(SideEffects effects)
{
    /// <summary>The vendor refuses the first poke (a failed try, retried); later pokes find nothing until the timeout.</summary>
    [PipelineTask(Retries = 1, RetryDelay = "00:00:00.500"), Sensor(PokeInterval = "00:00:00.300", Timeout = "00:00:02")]
    public bool VendorFile(RunContext run)
    {
        var poke = effects.Record(run, "poke");
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(run.Logger, "poke {Poke}", poke);
        if (poke == 1) throw new System.IO.IOException("vendor refused the connection");
        return false;
    }
}
