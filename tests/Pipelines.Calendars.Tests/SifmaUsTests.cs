using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>SIFMA's recommended US bond market schedule, checked against its 2016 table.</summary>
public sealed class SifmaUsTests
{
    private static readonly ExchangeCalendar Sifma = ExchangeCalendar.Get("SIFMA_US");

    [Theory]
    [InlineData("2016-01-01")]
    [InlineData("2016-01-18")]
    [InlineData("2016-02-15")]
    [InlineData("2016-03-25")]
    [InlineData("2016-05-30")]
    [InlineData("2016-07-04")]
    [InlineData("2016-10-10")]
    [InlineData("2016-11-11")]
    public void The_bond_market_is_closed_on_the_2016_recommended_holidays(string date)
    {
        Assert.False(Sifma.IsSession(D(date)));
    }

    [Theory]
    [InlineData("2016-03-24")]
    [InlineData("2016-05-27")]
    [InlineData("2016-07-01")]
    public void The_bond_market_closes_at_2pm_the_session_before_good_friday_memorial_day_and_independence_day(string date)
    {
        Assert.True(Sifma.IsEarlyClose(D(date)));
        Assert.Equal($"{date}T14:00", InNewYork(Sifma.SessionClose(D(date))));
    }

    [Fact]
    public void Whole_2016_schedule_matches_the_recommendation()
    {
        var closed = "01-01 01-18 02-15 03-25 05-30 07-04 09-05 10-10 11-11 11-24 12-26".Split(' ').Select(md => D(2016, md));
        var early = "03-24 05-27 07-01 11-25 12-23 12-30".Split(' ').Select(md => D(2016, md));

        Assert.Equal(closed, WeekdaysOf(2016).Where(date => !Sifma.IsSession(date)));
        Assert.Equal(early, WeekdaysOf(2016).Where(Sifma.IsEarlyClose));
    }

    [Fact]
    public void Regular_hours_are_8am_to_5pm_new_york()
    {
        Assert.Equal("2016-03-23T08:00", InNewYork(Sifma.SessionOpen(D("2016-03-23"))));
        Assert.Equal("2016-03-23T17:00", InNewYork(Sifma.SessionClose(D("2016-03-23"))));
    }

    [Fact]
    public void A_saturday_veterans_day_is_not_observed_and_a_sunday_one_moves_to_monday()
    {
        Assert.True(Sifma.IsSession(D("2017-11-10")));
        Assert.False(Sifma.IsSession(D("2018-11-12")));
    }

    [Fact]
    public void Good_friday_that_coincided_with_the_jobs_report_is_a_noon_close_not_a_holiday()
    {
        Assert.True(Sifma.IsSession(D("2021-04-02")));
        Assert.Equal("2021-04-02T12:00", InNewYork(Sifma.SessionClose(D("2021-04-02"))));
        Assert.False(Sifma.IsSession(D("2022-04-15")));
    }

    [Fact]
    public void A_saturday_christmas_observed_on_friday_moves_the_early_close_to_thursday()
    {
        Assert.False(Sifma.IsSession(D("2021-12-24")));
        Assert.Equal("2021-12-23T14:00", InNewYork(Sifma.SessionClose(D("2021-12-23"))));
        Assert.Equal("2021-12-31T14:00", InNewYork(Sifma.SessionClose(D("2021-12-31"))));
    }

    [Theory]
    [InlineData("2010-04-02")]
    [InlineData("2012-04-06")]
    [InlineData("2015-04-03")]
    [InlineData("2023-04-07")]
    public void Every_good_friday_with_a_jobs_report_was_recommended_as_a_noon_close(string date)
    {
        Assert.Equal($"{date}T12:00", InNewYork(Sifma.SessionClose(D(date))));
    }

    [Fact]
    public void Unscheduled_recommendations_follow_sifmas_press_releases()
    {
        Assert.Equal("2012-10-29T12:00", InNewYork(Sifma.SessionClose(D("2012-10-29"))));  // Hurricane Sandy, early close
        Assert.False(Sifma.IsSession(D("2012-10-30")));                                      // Hurricane Sandy, full close
        Assert.Equal("2007-01-02T14:00", InNewYork(Sifma.SessionClose(D("2007-01-02"))));  // President Ford, early close
        Assert.False(Sifma.IsSession(D("2004-06-11")));                                      // President Reagan, full close
        Assert.False(Sifma.IsSession(D("2018-12-05")));                                      // President G. H. W. Bush, full close
        Assert.Equal("2025-01-09T14:00", InNewYork(Sifma.SessionClose(D("2025-01-09"))));  // President Carter, early close
    }

    [Fact]
    public void Independence_day_on_a_saturday_closes_friday_and_shortens_thursday()
    {
        Assert.False(Sifma.IsSession(D("2020-07-03")));
        Assert.Equal("2020-07-02T14:00", InNewYork(Sifma.SessionClose(D("2020-07-02"))));
    }

    [Fact]
    public void Juneteenth_is_a_full_close_from_2022()
    {
        Assert.False(Sifma.IsSession(D("2022-06-20")));
    }
}
