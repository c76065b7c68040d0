using System;
using System.Collections.Generic;
using System.Linq;
using Hangfire;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.States;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Creates the Hangfire jobs of the tries a step queued. Where the step's transaction creates jobs inside it (Hangfire's
/// <c>Transaction.CreateJob</c>: Hangfire.InMemory's, and the runtime's own PostgreSQL batch,
/// <see cref="IPipelineJobTransaction"/>) and the app creates jobs with Hangfire's own client, a step's jobs are part of
/// the step's transaction: they exist, queued, exactly when the states that call for them are committed, and cost no
/// storage call of their own. Everywhere else Hangfire's client creates each job (two round trips per job on a database)
/// just before the step commits; a job that starts before the commit waits for the run's lock, and a job whose step
/// failed to commit finds a task that does not expect it and ends as a stale delivery.
/// </summary>
/// <remarks>
/// In the step's transaction a job goes through what Hangfire's client does: the client filters' <c>OnCreating</c> in
/// order and <c>OnCreated</c> in reverse (so parameters such as the captured culture are kept), the job created with a
/// 30-day expiry as <c>CreateExpiredJob</c> does, and its first state applied by Hangfire's state machine with the
/// state's handlers and apply-state filters. These filters run before the step commits, so one that reads the job back
/// through the storage connection (rather than from its context) finds none yet. A filter that cancels the creation or
/// throws fails the step, which then commits nothing; client exception filters are not asked, and Hangfire's profiler
/// does not time the filters. An app that replaces Hangfire's client or its job factory
/// keeps them: its jobs are created through them. Hangfire.Redis.StackExchange 1.12 also offers
/// <c>Transaction.CreateJob</c>, but its transaction writes a job without a queue of its own as a null hash value, which
/// Redis refuses, so it keeps the client.
/// </remarks>
internal sealed class StepJobs
{
    /// <summary>How long a created job lives before its first state is applied, as Hangfire's client gives it.</summary>
    private static readonly TimeSpan s_createdJobExpiry = TimeSpan.FromDays(30);

    private readonly JobStorage _storage;
    private readonly IBackgroundJobClient _client;
    private readonly IJobFilterProvider? _filters;
    private readonly StateMachine? _stateMachine;

    public StepJobs(JobStorage storage, IBackgroundJobClient client, IJobFilterProvider? filters, IBackgroundJobFactory? factory)
    {
        _storage = storage;
        _client = client;
        if (client.GetType() == typeof(BackgroundJobClient)
            && (factory is null || factory.GetType() == typeof(BackgroundJobFactory)))
        {
            _filters = filters ?? JobFilterProviders.Providers;
            _stateMachine = new StateMachine(_filters);
        }
    }

    /// <summary>Whether a step's jobs are created in <paramref name="transaction"/> (see the class's summary).</summary>
    public bool CreatesIn(IWriteOnlyTransaction transaction) =>
        _stateMachine is not null && transaction is JobStorageTransaction
        && (transaction is IPipelineJobTransaction || _storage is InMemoryStorage && _storage.HasFeature(JobStorageFeatures.Transaction.CreateJob));

    /// <summary>
    /// Creates the jobs of <paramref name="jobs"/>, in their order, as part of <paramref name="transaction"/> where the
    /// storage allows and through Hangfire's client otherwise. Returns their ids in the same order.
    /// </summary>
    public string[] Create(PipelineDefinition pipeline, string runId, RunFacts facts, IReadOnlyList<PendingJob> jobs, IStorageConnection connection, IWriteOnlyTransaction transaction)
    {
        var ids = new string[jobs.Count];
        var inTransaction = CreatesIn(transaction);
        for (var i = 0; i < ids.Length; i++)
        {
            var (job, state) = Describe(pipeline, runId, facts, jobs[i]);
            ids[i] = inTransaction
                ? CreateIn((JobStorageTransaction)transaction, connection, job, state)
                : _client.Create(job, state) ?? throw Canceled("A client filter");
        }
        return ids;
    }

    private static InvalidOperationException Canceled(string filter) =>
        new($"{filter} canceled the creation of a job of {nameof(PipelineTaskJob)}. A pipeline's task jobs cannot be canceled at creation; remove the filter for {nameof(PipelineTaskJob)}.");

    private static (Job Job, IState State) Describe(PipelineDefinition pipeline, string runId, RunFacts facts, PendingJob pending)
    {
        var task = MapKey.Definition(pipeline, pending.TaskId);
        // A run created for one process (the command line's --local) sends every task to that process's own queue.
        var queue = facts.Queue ?? task.Queue;
        // A mapped instance's job names it by its MapKey id (Load[2]): still a plain id.
        var job = new TryJob(pipeline.Id, runId, pending.TaskId, pending.TryNumber, queue).ToJob();
        IState state = pending.Delay is { } delay && delay > Duration.Zero
            ? new ScheduledState(delay.ToTimeSpan())
            : new EnqueuedState(queue);
        return (job, state);
    }

    /// <summary>Creates <paramref name="job"/> in <paramref name="transaction"/>, as Hangfire's client would (see the remarks).</summary>
    public string CreateIn(JobStorageTransaction transaction, IStorageConnection connection, Job job, IState state)
    {
        var filters = _filters!.GetFilters(job).Select(filter => filter.Instance).OfType<IClientFilter>().ToArray();
        var context = new CreateContext(_storage, connection, job, state, new Dictionary<string, object?>());
        var creating = new CreatingContext(context);
        foreach (var filter in filters)
        {
            filter.OnCreating(creating);
            if (creating.Canceled) throw Canceled($"The client filter {filter.GetType().Name}");
        }
        // A parameter set to null is left out, as reading a missing one gives null (some storages refuse null values).
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in context.Parameters)
            if (SerializationHelper.Serialize(value, SerializationOption.User) is { } text) parameters[name] = text;
        var createdAt = DateTime.UtcNow;
        var id = transaction.CreateJob(job, parameters, createdAt, s_createdJobExpiry);
        var created = new BackgroundJob(id, job, createdAt, parameters);
        _stateMachine!.ApplyState(new ApplyStateContext(_storage, connection, transaction, created, state, oldStateName: null));
        var done = new CreatedContext(context, created, canceled: false, exception: null);
        for (var i = filters.Length - 1; i >= 0; i--) filters[i].OnCreated(done);
        return id;
    }
}
