using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A task's log goes to the app's logging too, under the category <c>Pipelines.&lt;pipeline&gt;.&lt;task&gt;</c>, and
/// that logger is made only for a task that logs (a fresh server's first 1,000-task fan-out made a thousand up front).
/// </summary>
public sealed class TaskLoggerTests
{
    [Fact]
    public async Task A_tasks_lines_reach_the_apps_logger_under_its_category_and_a_task_that_logs_nothing_makes_no_logger()
    {
        var log = new CategoryCapture();
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Retries.Definition },
            services: s => s.AddSingleton<ILoggerProvider>(log));

        var run = await host.RunAsync("retries");

        Assert.Equal(RunState.Success, run.State);
        // The test host logs warnings and above: the task's failed tries, not its information lines.
        Assert.Equal(new[] { "Try 1 failed: IOException", "Try 2 failed: IOException" }, log.Lines("Pipelines.retries.Flaky"));
        Assert.Contains("Pipelines.retries.Flaky", log.Categories);
        Assert.DoesNotContain("Pipelines.retries.After", log.Categories);
        // The task's own log keeps its information lines as well.
        Assert.Equal(3, host.Operations.GetLog("retries", run.RunId, "Flaky").Count(l => l.Message.StartsWith("connecting", StringComparison.Ordinal)));
    }

    private sealed class CategoryCapture : ILoggerProvider
    {
        private readonly List<string> _categories = new();
        private readonly List<(string Category, string Message)> _lines = new();

        public IReadOnlyList<string> Categories
        {
            get
            {
                lock (_categories) return _categories.ToList();
            }
        }

        public IReadOnlyList<string> Lines(string category)
        {
            lock (_lines) return _lines.Where(l => l.Category == category).Select(l => l.Message).ToList();
        }

        public ILogger CreateLogger(string categoryName)
        {
            lock (_categories) _categories.Add(categoryName);
            return new Logger(this, categoryName);
        }

        public void Dispose()
        {
        }

        private sealed class Logger(CategoryCapture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._lines) owner._lines.Add((category, formatter(state, exception)));
            }
        }
    }
}
