using System;
using Hangfire;
using Hangfire.Common;
using Hangfire.Dashboard;

namespace Pipelines.Hangfire;

/// <summary>
/// Names a try's job in Hangfire's dashboard from the try its arguments hold (<see cref="TryJob.DisplayName"/>): a
/// format of argument positions cannot take the ids out of the array they travel in.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class TryJobDisplayNameAttribute : JobDisplayNameAttribute
{
    public TryJobDisplayNameAttribute() : base(nameof(PipelineTaskJob))
    {
    }

    public override string Format(DashboardContext context, Job job) =>
        TryJob.TryRead(job, out var tryJob) ? tryJob.Value.DisplayName : base.Format(context, job);
}
