namespace Pipelines.Tests;

public sealed class TaskDefinitionTests
{
    [Fact]
    public void A_fixed_retry_delay_is_the_same_after_every_try()
    {
        var task = new TaskDefinition { Index = 0, Id = "Ingest", Retries = 3, RetryDelay = TimeSpan.FromMinutes(5) };
        Assert.Equal(new[] { TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5) }, new[] { 1, 2, 3 }.Select(task.RetryDelayAfter));
    }

    [Fact]
    public void Exponential_backoff_doubles_the_delay_up_to_the_cap()
    {
        var task = new TaskDefinition
        {
            Index = 0, Id = "Ingest", Retries = 6, RetryDelay = TimeSpan.FromSeconds(10), RetryExponentialBackoff = true, MaxRetryDelay = TimeSpan.FromSeconds(60),
        };
        Assert.Equal(new[] { 10, 20, 40, 60, 60, 60 }, Enumerable.Range(1, 6).Select(t => (int)task.RetryDelayAfter(t).TotalSeconds));
    }

    [Fact]
    public void Exponential_backoff_without_a_cap_does_not_overflow()
    {
        var task = new TaskDefinition { Index = 0, Id = "Ingest", RetryDelay = TimeSpan.FromDays(1), RetryExponentialBackoff = true };
        Assert.Equal(TimeSpan.MaxValue, task.RetryDelayAfter(100));
    }

    [Fact]
    public void Try_numbers_start_at_one()
    {
        var task = new TaskDefinition { Index = 0, Id = "Ingest" };
        Assert.Throws<ArgumentOutOfRangeException>(() => task.RetryDelayAfter(0));
    }
}
