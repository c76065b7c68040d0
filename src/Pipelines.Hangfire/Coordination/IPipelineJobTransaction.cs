namespace Pipelines.Hangfire;

/// <summary>
/// A storage's pipeline transaction (<see cref="IPipelineTransactionStorage.CreatePipelineTransaction"/>) that creates
/// Hangfire jobs inside it: <c>CreateJob</c> returns the new job's id at once, and the job, its parameters, its first
/// state and its queue entry are written with the rest of the transaction, so a step's jobs cost no round trip of their
/// own (<see cref="StepJobs"/>). It must also write what Hangfire's state machine writes for a new job's first state
/// (<c>SetJobState</c>, <c>AddToQueue</c>, <c>PersistJob</c>, and <c>AddToSet</c> for a scheduled one).
/// </summary>
public interface IPipelineJobTransaction
{
}
