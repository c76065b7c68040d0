using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>NYSE's own holiday pages, year by year: exactly these weekdays are closed and exactly these close early.</summary>
public sealed class XnysPublishedScheduleTests
{
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");

    public static TheoryData<int, string, string> PublishedYears => new()
    {
        { 2016, "01-01 01-18 02-15 03-25 05-30 07-04 09-05 11-24 12-26", "11-25" },
        { 2017, "01-02 01-16 02-20 04-14 05-29 07-04 09-04 11-23 12-25", "07-03 11-24" },
        { 2018, "01-01 01-15 02-19 03-30 05-28 07-04 09-03 11-22 12-05 12-25", "07-03 11-23 12-24" },
        { 2019, "01-01 01-21 02-18 04-19 05-27 07-04 09-02 11-28 12-25", "07-03 11-29 12-24" },
        { 2020, "01-01 01-20 02-17 04-10 05-25 07-03 09-07 11-26 12-25", "11-27 12-24" },
        { 2021, "01-01 01-18 02-15 04-02 05-31 07-05 09-06 11-25 12-24", "11-26" },
        { 2022, "01-17 02-21 04-15 05-30 06-20 07-04 09-05 11-24 12-26", "11-25" },
        { 2023, "01-02 01-16 02-20 04-07 05-29 06-19 07-04 09-04 11-23 12-25", "07-03 11-24" },
        { 2024, "01-01 01-15 02-19 03-29 05-27 06-19 07-04 09-02 11-28 12-25", "07-03 11-29 12-24" },
        { 2025, "01-01 01-09 01-20 02-17 04-18 05-26 06-19 07-04 09-01 11-27 12-25", "07-03 11-28 12-24" },
        { 2026, "01-01 01-19 02-16 04-03 05-25 06-19 07-03 09-07 11-26 12-25", "11-27 12-24" },
        { 2027, "01-01 01-18 02-15 03-26 05-31 06-18 07-05 09-06 11-25 12-24", "11-26" },
    };

    [Theory]
    [MemberData(nameof(PublishedYears))]
    public void Exactly_the_published_weekdays_are_closed(int year, string closed, string early)
    {
        _ = early;
        var expected = closed.Split(' ').Select(monthDay => D(year, monthDay)).ToList();

        var actual = WeekdaysOf(year).Where(date => !Nyse.IsSession(date)).ToList();

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(PublishedYears))]
    public void Exactly_the_published_sessions_close_early_at_1pm(int year, string closed, string early)
    {
        _ = closed;
        var expected = early.Split(' ').Select(monthDay => D(year, monthDay)).ToList();

        var actual = WeekdaysOf(year).Where(Nyse.IsEarlyClose).ToList();

        Assert.Equal(expected, actual);
        Assert.All(actual, date => Assert.Equal($"{Iso(date)}T13:00", InNewYork(Nyse.SessionClose(date))));
    }

    [Theory]
    [MemberData(nameof(PublishedYears))]
    public void Holidays_lists_the_same_closures_with_names(int year, string closed, string early)
    {
        _ = early;
        var expected = closed.Split(' ').Select(monthDay => D(year, monthDay)).ToList();

        var holidays = Nyse.Holidays(year);

        Assert.Equal(expected, holidays.Select(holiday => holiday.Date).ToList());
        Assert.All(holidays, holiday => Assert.False(string.IsNullOrWhiteSpace(holiday.Name)));
    }

    [Fact]
    public void A_saturday_new_years_day_is_not_observed_on_the_friday_before()
    {
        Assert.True(Nyse.IsSession(D("2021-12-31")));
        Assert.False(Nyse.IsEarlyClose(D("2021-12-31")));
        Assert.Equal("2021-12-31T16:00", InNewYork(Nyse.SessionClose(D("2021-12-31"))));
    }

    [Fact]
    public void A_friday_christmas_eve_that_is_the_observed_christmas_is_closed_not_shortened()
    {
        Assert.True(Nyse.TryGetHoliday(D("2027-12-24"), out var name));
        Assert.Equal("Christmas Day", name);
        Assert.False(Nyse.IsEarlyClose(D("2027-12-24")));
    }

    [Theory]
    [InlineData("2024-07-04", "Independence Day")]
    [InlineData("2024-11-28", "Thanksgiving Day")]
    [InlineData("2024-03-29", "Good Friday")]
    [InlineData("2023-06-19", "Juneteenth National Independence Day")]
    [InlineData("2024-01-15", "Martin Luther King Jr. Day")]
    [InlineData("2024-02-19", "Washington's Birthday")]
    [InlineData("2023-01-02", "New Year's Day")]
    public void Holidays_carry_their_names(string date, string expectedName)
    {
        Assert.True(Nyse.TryGetHoliday(D(date), out var name));
        Assert.Equal(expectedName, name);
    }

    [Fact]
    public void Trading_day_counts_match_the_published_totals()
    {
        Assert.Equal(250, Nyse.Sessions(D("2023-01-01"), D("2023-12-31")).Count);
        Assert.Equal(252, Nyse.Sessions(D("2024-01-01"), D("2024-12-31")).Count);
    }

    private static string Iso(LocalDate date) => date.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
