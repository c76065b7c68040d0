using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>Mistakes fail loudly, with a message that says what to do.</summary>
public sealed class ErrorMessageTests
{
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");

    [Fact]
    public void Opening_time_of_a_holiday_names_the_date_the_calendar_the_holiday_and_the_next_session()
    {
        var error = Assert.Throws<NotASessionException>(() => Nyse.SessionOpen(D("2024-07-04")));

        Assert.IsAssignableFrom<ArgumentException>(error);
        Assert.Contains("2024-07-04", error.Message);
        Assert.Contains("XNYS", error.Message);
        Assert.Contains("Independence Day", error.Message);
        Assert.Contains("NextSession", error.Message);
        Assert.Contains("2024-07-05", error.Message);
        Assert.Equal("Independence Day", error.Reason);
        Assert.Equal(D("2024-07-04"), error.Date);
        Assert.Equal("XNYS", error.CalendarId);
    }

    [Fact]
    public void Closing_time_of_a_weekend_says_which_weekend_day()
    {
        var error = Assert.Throws<NotASessionException>(() => Nyse.SessionClose(D("2024-03-09")));

        Assert.Contains("2024-03-09", error.Message);
        Assert.Contains("Saturday", error.Message);
        Assert.Contains("2024-03-11", error.Message);
    }

    [Theory]
    [InlineData("1989-12-29")]
    [InlineData("2036-01-02")]
    public void A_date_outside_the_supported_range_is_refused_rather_than_guessed(string date)
    {
        var error = Assert.Throws<UnsupportedDateException>(() => Nyse.IsSession(D(date)));

        Assert.IsAssignableFrom<ArgumentOutOfRangeException>(error);
        Assert.Contains(date, error.Message);
        Assert.Contains("XNYS", error.Message);
        Assert.Contains("1990-01-01", error.Message);
        Assert.Contains("2035-12-31", error.Message);
    }

    [Fact]
    public void Next_session_past_the_end_of_the_range_is_refused()
    {
        Assert.Throws<UnsupportedDateException>(() => Nyse.NextSession(D("2035-12-31")));
        Assert.Throws<UnsupportedDateException>(() => Nyse.PreviousSession(D("1990-01-02")));
    }

    [Fact]
    public void An_unknown_id_names_the_known_ids()
    {
        var error = Assert.Throws<UnknownCalendarException>(() => ExchangeCalendar.Get("NYSE"));

        Assert.IsAssignableFrom<KeyNotFoundException>(error);
        Assert.Contains("'NYSE'", error.Message);
        Assert.Contains("XNYS", error.Message);
        Assert.Contains("CMES", error.Message);
        Assert.Contains("SIFMA_US", error.Message);
    }

    [Fact]
    public void Ids_are_case_sensitive()
    {
        Assert.Throws<UnknownCalendarException>(() => ExchangeCalendar.Get("xnys"));
        Assert.False(ExchangeCalendar.TryGet("xnys", out _));
    }
}
