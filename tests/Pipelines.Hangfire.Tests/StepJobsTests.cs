using global::Hangfire;
using global::Hangfire.Common;
using global::Hangfire.States;
using global::Hangfire.Storage;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Where a step's jobs are created (StepJobs): in the step's own transaction on Hangfire.InMemory, through Hangfire's
/// client filters and state machine, so a job exists exactly when the transaction commits; through the app's own client
/// when it registered one. (The PostgreSQL batch's side: PostgreSqlBatchTransactionTests.)
/// </summary>
public sealed class StepJobsTests
{
    [Fact]
    public void In_memory_a_job_created_in_the_steps_transaction_exists_only_once_it_commits_queued_with_its_captured_culture()
    {
        var storage = PipelineHost.InMemoryStorage();
        using var connection = storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        var jobs = new StepJobs(storage, new BackgroundJobClient(storage), filters: null, factory: null);
        Assert.True(jobs.CreatesIn(transaction));

        var id = jobs.CreateIn((JobStorageTransaction)transaction, connection, Job.FromExpression(() => Console.WriteLine("step")), new EnqueuedState("stepjobs"));
        Assert.Null(connection.GetJobData(id));
        Assert.Equal(0, storage.GetMonitoringApi().EnqueuedCount("stepjobs"));

        transaction.Commit();
        Assert.Equal("Enqueued", connection.GetJobData(id)!.State);
        Assert.Equal(1, storage.GetMonitoringApi().EnqueuedCount("stepjobs"));
        // Hangfire's global CaptureCulture client filter ran, as it does for its client's jobs.
        Assert.NotNull(connection.GetJobParameter(id, "CurrentCulture"));
    }

    [Fact]
    public void An_apps_own_client_keeps_creating_the_jobs()
    {
        var storage = PipelineHost.InMemoryStorage();
        using var connection = storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        Assert.False(new StepJobs(storage, new OwnClient(), filters: null, factory: null).CreatesIn(transaction));
    }

    private sealed class OwnClient : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => throw new NotSupportedException();

        public bool ChangeState(string jobId, IState state, string expectedState) => throw new NotSupportedException();
    }
}
