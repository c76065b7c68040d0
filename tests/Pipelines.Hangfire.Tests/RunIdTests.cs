using NodaTime;

namespace Pipelines.Hangfire.Tests;

public sealed class RunIdTests
{
    private static readonly LocalDate Date = new(2024, 3, 8);

    [Fact]
    public void Each_kind_writes_its_prefix_and_a_key_and_reads_back_the_same()
    {
        var now = Instant.FromUtc(2024, 3, 8, 21, 0);
        foreach (var id in new[] { RunId.Scheduled(Date), RunId.Backfill(Date), RunId.Manual(Date, now), RunId.ScheduledAt(new LocalDateTime(2024, 3, 8, 16, 0).WithOffset(Offset.FromHours(-5))) })
        {
            Assert.Equal(id, RunId.Parse(id.ToString()));
            Assert.Equal(id.Kind, RunId.Parse(id.Value).Kind);
        }
        Assert.Equal("scheduled__2024-03-08", RunId.Scheduled(Date).Value);
        Assert.Equal("backfill__2024-03-08", RunId.Backfill(Date).Value);
        Assert.Equal("scheduled__2024-03-08T16:00-05:00", RunId.ScheduledAt(new LocalDateTime(2024, 3, 8, 16, 0).WithOffset(Offset.FromHours(-5))).Value);
        Assert.StartsWith("manual__2024-03-08__", RunId.Manual(Date, now).Value, StringComparison.Ordinal);
        Assert.NotEqual(RunId.Manual(Date, now), RunId.Manual(Date, now));
        Assert.Equal(RunKind.Scheduled, RunId.Parse("scheduled__once").Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2024-03-08")]
    [InlineData("nightly__2024-03-08")]
    [InlineData("manual__")]
    [InlineData("__2024-03-08")]
    [InlineData("manual__2024-03-08 x")]
    public void Anything_else_is_not_a_run_id(string text)
    {
        Assert.False(RunId.TryParse(text, out _));
        Assert.StartsWith($"'{text}' is not a run id", Assert.Throws<FormatException>(() => RunId.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RunIds_makes_the_same_ids_as_before()
    {
        Assert.Equal("backfill__2024-03-08", RunIds.For(RunKind.Backfill, Date, Instant.FromUtc(2024, 3, 9, 0, 0)));
        Assert.Equal("scheduled__2024-03-08", RunIds.For(RunKind.Scheduled, Date, Instant.FromUtc(2024, 3, 9, 0, 0)));
        Assert.Matches("^manual__2024-03-08__[0-9a-f]+$", RunIds.For(RunKind.Manual, Date, Instant.FromUtc(2024, 3, 9, 0, 0)));
    }
}
