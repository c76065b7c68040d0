using System.Threading.Tasks;

namespace Pipelines;

/// <summary>The generated typed dispatch of a pipeline: calls the task at <paramref name="taskIndex"/> with its inputs.</summary>
public delegate ValueTask<TaskOutcome> TaskDispatcher(int taskIndex, TaskInvocation invocation);
