using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests.Diagnostics;

/// <summary>One run, triggered by an instrumented caller and worked on by two servers sharing a PostgreSQL database, is one trace.</summary>
public sealed class TracingTests
{
    private static readonly ActivitySource s_caller = new("Pipelines.Tests.Caller");

    [Fact]
    public async Task A_run_on_two_servers_is_one_trace_with_a_span_per_try_under_the_run_span()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(PipelinesTelemetry.Name, s_caller.Name)
            .AddInMemoryExporter(spans)
            .Build();
        var database = PostgresServer.CreateDatabase("tracing");
        try
        {
            var storage = PipelineHost.PostgreSqlStorage(database);
            PipelineDefinition[] pipelines = [TelemetryRetries.Definition];
            await using var first = await PipelineHost.StartAsync(storage, pipelines, serverName: "first", workers: 2);
            await using var second = await PipelineHost.StartAsync(storage, pipelines, serverName: "second", workers: 2);

            string runId;
            ActivityContext request;
            using (var caller = s_caller.StartActivity("POST /runs"))
            {
                request = caller!.Context;
                runId = first.Operations.Trigger("telemetry_retries", new NodaTime.LocalDate(2024, 3, 8));
            }
            var run = await second.WaitAsync("telemetry_retries", runId);
            Assert.Equal(RunState.Success, run.State);

            List<Activity> Of(string name) { lock (spans) return spans.Where(s => s.DisplayName == name && (string?)s.GetTagItem("cicd.pipeline.run.id") == runId).ToList(); }
            await Poll.UntilAsync(() => Of("RUN telemetry_retries.Flaky").Count == 3 && Of("RUN telemetry_retries.After").Count == 1 && Of("FINISH telemetry_retries").Count == 1,
                "the spans of three Flaky tries, one After try and the run's finish");

            var runSpan = Assert.Single(Of("RUN telemetry_retries"));
            Assert.Equal(request.TraceId, runSpan.TraceId);
            Assert.Equal(request.SpanId, runSpan.ParentSpanId);
            Assert.Equal("telemetry_retries", runSpan.GetTagItem("cicd.pipeline.name"));
            Assert.Equal(runSpan.Id, first.Operations.GetRun("telemetry_retries", runId)!.TraceParent);

            var tries = Of("RUN telemetry_retries.Flaky").Concat(Of("RUN telemetry_retries.After")).OrderBy(s => s.StartTimeUtc).ToList();
            Assert.All(tries, t =>
            {
                Assert.Equal(runSpan.TraceId, t.TraceId);
                Assert.Equal(runSpan.SpanId, t.ParentSpanId);
                // Hangfire's server ids begin with the server's name.
                Assert.Matches("^(first|second):", (string)t.GetTagItem("cicd.worker.id")!);
            });
            Assert.Equal(
                new[] { ("Flaky", 1, "failure", "up_for_retry"), ("Flaky", 2, "failure", "up_for_retry"), ("Flaky", 3, "success", "success"), ("After", 1, "success", "success") },
                tries.Select(t => ((string)t.GetTagItem("cicd.pipeline.task.name")!, (int)t.GetTagItem("pipelines.task.try")!, (string)t.GetTagItem("cicd.pipeline.task.run.result")!, (string)t.GetTagItem("pipelines.task.state")!)));
            var failed = tries[0];
            Assert.Equal(ActivityStatusCode.Error, failed.Status);
            Assert.Equal("System.IO.IOException", failed.GetTagItem("error.type"));
            Assert.Contains(failed.Events, e => e.Name == "exception");

            var finish = Assert.Single(Of("FINISH telemetry_retries"));
            Assert.Equal(runSpan.SpanId, finish.ParentSpanId);
            Assert.Equal("success", finish.GetTagItem("cicd.pipeline.result"));
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }
}
