using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// Euronext Amsterdam against Euronext's published holiday calendars, the Dutch closures before the common calendar of
/// 2002, and the 1999 move of the open to 09:00.
/// </summary>
public sealed class XamsTests
{
    private static readonly ExchangeCalendar Amsterdam = ExchangeCalendar.Get("XAMS");
    private static readonly DateTimeZone AmsterdamZone = DateTimeZoneProviders.Tzdb["Europe/Amsterdam"];

    private static string Local(ZonedDateTime time) => time.WithZone(AmsterdamZone).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null);

    [Fact]
    public void Shares_Euronexts_calendar_with_Paris()
    {
        // Euronext's 2019 holiday calendar and half days (press release, 2018-10-18), for Amsterdam as for Paris.
        Assert.Equal(
            new[] { "01-01", "04-19", "04-22", "05-01", "12-25", "12-26" }.Select(md => D(2019, md)),
            Amsterdam.Holidays(2019).Select(h => h.Date));
        Assert.Equal("2019-12-24T14:05", Local(Amsterdam.SessionClose(D("2019-12-24"))));
        Assert.Equal("2019-12-31T14:05", Local(Amsterdam.SessionClose(D("2019-12-31"))));

        var paris = ExchangeCalendar.Get("XPAR");
        for (var year = 2002; year <= 2035; year++)
        {
            Assert.Equal(paris.Holidays(year).Select(h => h.Date), Amsterdam.Holidays(year).Select(h => h.Date));
            Assert.Equal(paris.EarlyCloses(year), Amsterdam.EarlyCloses(year));
        }
    }

    [Theory]
    // The last Dutch closures before the common calendar (exchange_calendars' XAMS calendar): Queen's Day and Whit
    // Monday until 2001, Ascension until 2000.
    [InlineData("2001-04-30", false)]
    [InlineData("2002-04-30", true)]
    [InlineData("2000-06-01", false)]
    [InlineData("2001-05-24", true)]
    [InlineData("2001-06-04", false)]
    [InlineData("2002-05-20", true)]
    [InlineData("2001-12-31", false)]
    public void National_holidays_end_with_2001(string date, bool trades)
    {
        Assert.Equal(trades, Amsterdam.IsSession(D(date)));
    }

    [Theory]
    // "Trading ... will begin at 09:00 with effect from August 1, 1999"; shares 09:00-16:30 (Amsterdam Exchanges, 1999-07-23).
    [InlineData("1999-07-30", "09:30", "16:30")]
    [InlineData("1999-08-02", "09:00", "16:30")]
    [InlineData("2012-06-01", "09:00", "17:30")]
    public void The_open_moved_to_09_00_in_August_1999(string date, string open, string close)
    {
        Assert.Equal($"{date}T{open}", Local(Amsterdam.SessionOpen(D(date))));
        Assert.Equal($"{date}T{close}", Local(Amsterdam.SessionClose(D(date))));
    }

    [Fact]
    public void Hours_are_Amsterdam_time_across_summer_time()
    {
        Assert.Equal(I("2024-01-05T08:00:00Z"), Amsterdam.SessionOpen(D("2024-01-05")).ToInstant());
        Assert.Equal(I("2024-07-05T07:00:00Z"), Amsterdam.SessionOpen(D("2024-07-05")).ToInstant());
        Assert.Equal(I("2024-07-05T15:30:00Z"), Amsterdam.SessionClose(D("2024-07-05")).ToInstant());
    }

    [Fact]
    public void Amsterdam_or_Paris_on_Queens_Day_2001_trades_Paris_hours()
    {
        var either = ExchangeCalendar.Get("XAMS | XPAR");
        Assert.True(either.IsSession(D("2001-04-30")));
        Assert.Equal("2001-04-30T09:00", Local(either.SessionOpen(D("2001-04-30"))));
        Assert.False(ExchangeCalendar.Get("XAMS & XPAR").IsSession(D("2001-04-30")));
    }

    [Fact]
    public void A_year_in_the_2030s_follows_the_same_rules()
    {
        // 2034: Easter on 9 April; 1 May a Monday; Christmas Monday and Boxing Day Tuesday; 1 January and the 24th and
        // 31st of December are Sundays.
        Assert.Equal(
            new[] { "04-07", "04-10", "05-01", "12-25", "12-26" }.Select(md => D(2034, md)),
            Amsterdam.Holidays(2034).Select(h => h.Date));
        Assert.Empty(Amsterdam.EarlyCloses(2034));
    }
}
