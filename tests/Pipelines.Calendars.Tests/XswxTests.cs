using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// SIX Swiss Exchange against published holiday lists and SWX's notices of 2001 (the source is named beside each case):
/// the Swiss holidays it keeps, the years around virt-x when it traded on some of them, and its hours.
/// </summary>
public sealed class XswxTests
{
    private static readonly ExchangeCalendar Zurich = ExchangeCalendar.Get("XSWX");
    private static readonly DateTimeZone ZurichZone = DateTimeZoneProviders.Tzdb["Europe/Zurich"];

    private static string Local(ZonedDateTime time) => time.WithZone(ZurichZone).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null);

    public static TheoryData<int, string[]> PublishedHolidays => new()
    {
        // SIX 2022 (tradinghours.com): Good Friday, Easter Monday, Ascension, Whit Monday, National Day, St Stephen's
        // Day; 1 and 2 January, 1 May, 24, 25 and 31 December fall on weekends.
        { 2022, ["04-15", "04-18", "05-26", "06-06", "08-01", "12-26"] },
        // 2024 (the BX Swiss list on globalexchangesdirectory, the same Swiss exchange holidays; Morningstar confirms
        // SIX closed on 2 January 2024 for Berchtold's Day).
        { 2024, ["01-01", "01-02", "03-29", "04-01", "05-01", "05-09", "05-20", "08-01", "12-24", "12-25", "12-26", "12-31"] },
    };

    [Theory]
    [MemberData(nameof(PublishedHolidays))]
    public void Weekday_closures_match_the_published_holidays(int year, string[] monthDays)
    {
        Assert.Equal(monthDays.Select(md => D(year, md)), Zurich.Holidays(year).Select(h => h.Date));
    }

    [Theory]
    // From 25 June 2001 only the TARGET days closed equities: "2 January, Ascension, Whit Monday, 1 August (there will
    // be trading on these days)" (SWX, 2001-05-15, via Mondo Visione).
    [InlineData("2001-05-24", false)] // Ascension, before the change
    [InlineData("2001-08-01", true)]
    [InlineData("2002-01-02", true)]
    [InlineData("2002-05-09", true)]
    [InlineData("2002-05-20", true)]
    // "New Year's Eve will continue to be a non-business day" (same notice).
    [InlineData("2001-12-31", false)]
    // Back from 2003 (SWX messages 56/2002 and 09/2003, as cited by exchange_calendars): 2 January, Ascension, Whit Monday.
    [InlineData("2003-01-02", false)]
    [InlineData("2003-05-29", false)]
    [InlineData("2003-06-09", false)]
    // 1 August traded until 2005 and closed from 2006 (2005 and 2006 trading calendars, as cited by exchange_calendars).
    [InlineData("2005-08-01", true)]
    [InlineData("2006-08-01", false)]
    public void Swiss_holidays_were_trading_days_around_virt_x(string date, bool trades)
    {
        Assert.Equal(trades, Zurich.IsSession(D(date)));
    }

    [Theory]
    // The year 2000 "customer holiday" (SWX message 72/99) and the eves of 1997 (traded) and 1998 (closed).
    [InlineData("2000-01-03", false)]
    [InlineData("1997-12-24", true)]
    [InlineData("1997-12-31", true)]
    [InlineData("1998-12-24", false)]
    [InlineData("1998-12-31", false)]
    public void One_offs_and_the_eves_of_the_late_1990s(string date, bool trades)
    {
        Assert.Equal(trades, Zurich.IsSession(D(date)));
    }

    [Theory]
    // Equities traded until 17:00, and until 18:00 from 25 June 2001 (SWX, 2001-05-15); 17:30 since.
    [InlineData("2001-06-22", "17:00")]
    [InlineData("2001-06-25", "18:00")]
    [InlineData("2014-09-19", "17:30")] // "after the close of trading at 17:30 CET on 19 September 2014" (SIX message 26/2014)
    public void The_close_moved_with_virt_x(string date, string close)
    {
        Assert.Equal($"{date}T09:00", Local(Zurich.SessionOpen(D(date))));
        Assert.Equal($"{date}T{close}", Local(Zurich.SessionClose(D(date))));
    }

    [Fact]
    public void Hours_are_Zurich_time_across_summer_time_with_no_half_days()
    {
        Assert.Equal(I("2024-01-05T08:00:00Z"), Zurich.SessionOpen(D("2024-01-05")).ToInstant());
        Assert.Equal(I("2024-07-05T07:00:00Z"), Zurich.SessionOpen(D("2024-07-05")).ToInstant());
        Assert.Equal(I("2024-07-05T15:30:00Z"), Zurich.SessionClose(D("2024-07-05")).ToInstant());
        Assert.Empty(Zurich.EarlyCloses(2024));
    }

    [Fact]
    public void A_year_in_the_2030s_follows_the_same_rules()
    {
        // 2034: Easter on 9 April, Ascension 18 May, Whit Monday 29 May; 1 January, 24 and 31 December are Sundays and
        // not moved; Berchtold's Day is Monday 2 January.
        Assert.Equal(
            new[] { "01-02", "04-07", "04-10", "05-01", "05-18", "05-29", "08-01", "12-25", "12-26" }.Select(md => D(2034, md)),
            Zurich.Holidays(2034).Select(h => h.Date));
    }

    [Fact]
    public void Zurich_and_Frankfurt_on_Whit_Monday_2024()
    {
        // SIX closes for Whit Monday, Xetra trades it (since 2022).
        Assert.False(ExchangeCalendar.Get("XSWX & XETR").IsSession(D("2024-05-20")));
        Assert.True(ExchangeCalendar.Get("XSWX | XETR").IsSession(D("2024-05-20")));
    }
}
