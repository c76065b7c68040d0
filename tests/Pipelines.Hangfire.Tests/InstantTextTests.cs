using NodaTime;
using NodaTime.Text;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The runtime's instants are written and read without NodaTime's pattern engine (<see cref="InstantText"/>); these check
/// that the text and the values are exactly the pattern's (<see cref="InstantPattern.ExtendedIso"/>), so records written
/// by earlier versions and by this one read the same.
/// </summary>
public sealed class InstantTextTests
{
    private static readonly InstantPattern Pattern = InstantPattern.ExtendedIso;

    public static TheoryData<string> Edges => new()
    {
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "2024-02-29T12:00:00Z",
        "2000-02-29T23:59:59.5Z",
        "2026-12-04T03:05:07.1Z",
        "2026-12-04T03:05:07.01Z",
        "2026-12-04T03:05:07.000000001Z",
        "2026-12-04T03:05:07.123456789Z",
        "2026-12-04T03:05:07.1234567Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.9Z",
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void Edge_instants_are_written_and_read_as_the_pattern_does(string text)
    {
        var instant = Pattern.Parse(text).Value;
        Assert.Equal(text, InstantText.Format(instant));
        Assert.Equal(instant, InstantText.Parse(text));
        Assert.True(InstantText.TryParseShape(text, out var read));
        Assert.Equal(instant, read);
    }

    [Fact]
    public void Random_instants_of_every_precision_are_written_and_read_as_the_pattern_does()
    {
        var random = new Random(20261204);
        var first = Instant.FromUtc(1, 1, 1, 0, 0).ToUnixTimeTicks();
        var last = Instant.FromUtc(9999, 12, 31, 23, 59, 59).ToUnixTimeTicks();
        var text = new char[InstantText.MaxLength];
        for (var i = 0; i < 20_000; i++)
        {
            var instant = Instant.FromUnixTimeTicks(random.NextInt64(first, last));
            // Whole seconds, milliseconds, ticks and nanoseconds: every fraction length is written.
            instant = (i % 4) switch
            {
                0 => Instant.FromUnixTimeSeconds(instant.ToUnixTimeSeconds()),
                1 => Instant.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds()),
                2 => instant,
                _ => instant.PlusNanoseconds(random.Next(0, 100)),
            };
            var expected = Pattern.Format(instant);
            // The fast path itself writes and reads it (Format and Parse would hide a fast path that gave up).
            Assert.True(InstantText.TryFormat(instant, text, out var written));
            Assert.Equal(expected, new string(text, 0, written));
            Assert.True(InstantText.TryParseShape(expected, out var read));
            Assert.Equal(instant, read);
            Assert.Equal(expected, InstantText.Format(instant));
            Assert.Equal(instant, InstantText.Parse(expected));
        }
    }

    [Fact]
    public void A_now_written_into_a_record_reads_back_the_same()
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        Assert.Equal(Pattern.Format(now), PipelineStore.Format(now));
        Assert.Equal(now, PipelineStore.ParseInstant(PipelineStore.Format(now)));
    }

    /// <summary>Years before 1 (the fast path does not write them) go to the pattern, whose text is kept. Instant.MaxValue is in 9999, among the edges.</summary>
    [Fact]
    public void Instants_outside_years_1_to_9999_are_left_to_the_pattern()
    {
        var text = new char[InstantText.MaxLength];
        foreach (var instant in new[] { Instant.MinValue, Instant.FromUtc(-5, 3, 1, 0, 0), Instant.FromUtc(0, 6, 1, 12, 30, 15) })
        {
            Assert.False(InstantText.TryFormat(instant, text, out var written));
            Assert.Equal(0, written);
            var expected = Pattern.Format(instant);
            Assert.Equal(expected, InstantText.Format(instant));
            Assert.Equal(Pattern.Parse(expected).Value, InstantText.Parse(expected));
        }
    }

    /// <summary>
    /// Text the fast path does not read is judged by the pattern: what it reads is read as it reads it, and what it refuses
    /// throws as before (or gives null where the caller asks for null).
    /// </summary>
    [Theory]
    [InlineData("2026-12-04T03:05:07,5Z")]      // a comma before the fraction
    [InlineData("2026-12-04T03:05:07.500Z")]    // trailing zeros, read but never written
    [InlineData("2026-12-04T03:05:07.Z")]       // a point without digits
    [InlineData("2026-12-04T03:05:07.1234567890Z")] // ten digits
    [InlineData("2026-02-29T03:05:07Z")]        // no such day
    [InlineData("1900-02-29T03:05:07Z")]        // not a leap year (a century)
    [InlineData("2100-02-29T03:05:07Z")]
    [InlineData("2026-04-31T03:05:07Z")]
    [InlineData("2026-13-04T03:05:07Z")]
    [InlineData("2026-12-04T24:00:00Z")]
    [InlineData("2026-12-04T03:60:07Z")]
    [InlineData("2026-12-04T03:05:60Z")]
    [InlineData("2026-12-04 03:05:07Z")]
    [InlineData("2026-12-04T03:05:07")]
    [InlineData("2026-12-04T03:05:07+01:00")]
    [InlineData("2026-1x-04T03:05:07Z")]
    [InlineData("-0001-12-04T03:05:07Z")]
    [InlineData("not an instant")]
    [InlineData("2026-12-04T03:05:07Z ")]
    public void Text_outside_the_written_shape_is_judged_by_the_pattern(string text)
    {
        Assert.False(InstantText.TryParseShape(text, out _));
        var expected = Pattern.Parse(text);
        if (expected.Success)
        {
            Assert.Equal(expected.Value, InstantText.Parse(text));
            Assert.Equal(expected.Value, InstantText.ParseOrNull(text));
        }
        else
        {
            Assert.Throws<UnparsableValueException>(() => InstantText.Parse(text));
            Assert.Null(InstantText.ParseOrNull(text));
        }
    }

    [Fact]
    public void Empty_text_is_no_instant()
    {
        Assert.Null(InstantText.Parse(null));
        Assert.Null(InstantText.Parse(""));
        Assert.Null(PipelineStore.ParseInstant(""));
    }
}
