// This file is compiled into both Pipelines and the Pipelines.Generators analyzer, so a schedule
// the IDE accepts is exactly one the runtime accepts. Keep it netstandard2.0-compatible.
using System;
using Cronos;
using Pipelines.Assets;

namespace Pipelines.Schedules
{
    /// <summary>
    /// Reads schedule text: a cron expression (5 fields, or 6 with seconds), a preset, or a time relative to the sessions
    /// of the pipeline's calendar: <c>@session_open±hh:mm</c>, <c>@session_close±hh:mm</c>, <c>@break_start±hh:mm</c>,
    /// <c>@break_end±hh:mm</c> (the offset is optional) or <c>@after_session hh:mm</c>.
    /// </summary>
    internal static class ScheduleSyntax
    {
        public const string Once = "@once";

        public const string SessionOpen = "@session_open";

        public const string SessionClose = "@session_close";

        public const string AfterSession = "@after_session";

        public const string BreakStart = "@break_start";

        public const string BreakEnd = "@break_end";

        public const string Assets = "@assets";

        public const string PresetList = "@hourly, @daily, @weekly, @monthly, @yearly, @once";

        public const string SessionList = "@session_open, @session_close, @break_start, @break_end (each with an optional offset such as +00:30), @after_session hh:mm";

        /// <summary>A session-relative schedule as read: the anchor and a number of minutes (the signed offset, or the time of day for <see cref="SessionAnchor.After"/>).</summary>
        public readonly struct SessionRule
        {
            public SessionRule(SessionAnchor anchor, int minutes)
            {
                Anchor = anchor;
                Minutes = minutes;
            }

            public SessionAnchor Anchor { get; }

            public int Minutes { get; }
        }

        /// <summary>
        /// Parses <paramref name="text"/>. On success <paramref name="cron"/> is the expression, or null for <c>@once</c>
        /// and for session-relative schedules. On failure <paramref name="error"/> says what is wrong in one sentence.
        /// </summary>
        public static bool TryParse(string text, out CronExpression? cron, out string? error) =>
            TryParse(text, out cron, out _, out error);

        /// <summary>
        /// Parses <paramref name="text"/>. On success exactly one of <paramref name="cron"/> and <paramref name="session"/>
        /// is set, or neither for <c>@once</c>. On failure <paramref name="error"/> says what is wrong in one sentence.
        /// </summary>
        public static bool TryParse(string text, out CronExpression? cron, out SessionRule? session, out string? error) =>
            TryParse(text, out cron, out session, out _, out error);

        /// <summary>
        /// Parses <paramref name="text"/>, which may be scheduled on assets: <c>@assets(condition)</c>, optionally followed by
        /// <c>| schedule</c> for a time schedule that also starts runs (Airflow's AssetOrTimeSchedule). On success
        /// <paramref name="assets"/> is the asset condition or null, and <paramref name="cron"/> and <paramref name="session"/>
        /// describe the time part as for a plain schedule.
        /// </summary>
        public static bool TryParse(string text, out CronExpression? cron, out SessionRule? session, out AssetExpression? assets, out string? error)
        {
            assets = null;
            var assetText = (text ?? "").Trim();
            if (StartsWith(assetText, Assets))
            {
                cron = null;
                session = null;
                if (!TrySplitAssets(assetText, out var condition, out var time, out error)) return false;
                if (!AssetExpression.TryParse(condition, out assets, out error)) return false;
                if (time is null) return true;
                if (StartsWith(time.Trim(), Assets))
                {
                    error = "a schedule holds one @assets(...); combine the assets inside it with '&' and '|'";
                    return false;
                }
                if (time.Trim() == Once)
                {
                    error = "@once cannot be combined with @assets(...); use a cron expression, a preset or a session time after '|'";
                    return false;
                }
                return TryParse(time, out cron, out session, out error);
            }
            return TryParseTime(text ?? "", out cron, out session, out error);
        }

        // "@assets(a & (b | c))" or "@assets(a) | 0 6 * * 1-5": the condition between the outer parentheses, and the time part after '|'.
        public static bool TrySplitAssets(string text, out string condition, out string? time, out string? error)
        {
            condition = "";
            time = null;
            error = null;
            var rest = text.Substring(Assets.Length).TrimStart();
            if (rest.Length == 0 || rest[0] != '(')
            {
                error = $"{Assets} needs its assets in parentheses, as in {Assets}(prices.daily & fundamentals.daily)";
                return false;
            }
            var depth = 0;
            var close = -1;
            for (var i = 0; i < rest.Length && close < 0; i++)
            {
                if (rest[i] == '(') depth++;
                else if (rest[i] == ')' && --depth == 0) close = i;
            }
            if (close < 0)
            {
                error = $"the '(' after {Assets} is never closed";
                return false;
            }
            condition = rest.Substring(1, close - 1);
            var after = rest.Substring(close + 1).Trim();
            if (after.Length == 0) return true;
            if (after[0] != '|' || after.Substring(1).Trim().Length == 0)
            {
                error = $"'{after}' after {Assets}(...) is not '| schedule'; add a time schedule with '|', as in {Assets}(prices.daily) | 0 6 * * 1-5";
                return false;
            }
            time = after.Substring(1).Trim();
            return true;
        }

        private static bool TryParseTime(string text, out CronExpression? cron, out SessionRule? session, out string? error)
        {
            cron = null;
            session = null;
            error = null;
            var trimmed = (text ?? "").Trim();
            if (trimmed.Length == 0)
            {
                error = "the schedule is empty; leave Schedule unset for a pipeline that is only triggered by hand";
                return false;
            }

            if (trimmed[0] == '@')
            {
                if (StartsWith(trimmed, SessionOpen)) return TryParseOffset(trimmed, SessionOpen, SessionAnchor.Open, out session, out error);
                if (StartsWith(trimmed, SessionClose)) return TryParseOffset(trimmed, SessionClose, SessionAnchor.Close, out session, out error);
                if (StartsWith(trimmed, BreakStart)) return TryParseOffset(trimmed, BreakStart, SessionAnchor.BreakStart, out session, out error);
                if (StartsWith(trimmed, BreakEnd)) return TryParseOffset(trimmed, BreakEnd, SessionAnchor.BreakEnd, out session, out error);
                if (StartsWith(trimmed, AfterSession)) return TryParseTimeOfDay(trimmed, out session, out error);

                var expanded = ExpandPreset(trimmed);
                if (expanded == Once) return true;
                if (expanded is null)
                {
                    error = $"'{trimmed}' is not a preset; use one of {PresetList}, or with a Calendar one of {SessionList}";
                    return false;
                }
                trimmed = expanded;
            }

            var fields = trimmed.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries).Length;
            CronFormat format;
            if (fields == 5) format = CronFormat.Standard;
            else if (fields == 6) format = CronFormat.IncludeSeconds;
            else
            {
                error = $"a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, but this one has {fields}";
                return false;
            }

            try
            {
                cron = CronExpression.Parse(trimmed, format);
                return true;
            }
            catch (CronFormatException ex)
            {
                error = ex.Message.TrimEnd('.');
                return false;
            }
        }

        private static bool StartsWith(string text, string keyword) => text.StartsWith(keyword, StringComparison.OrdinalIgnoreCase);

        // "@session_close", "@session_close+00:30", "@session_open - 01:00", "@break_end-00:05": the offset is elapsed time, under a day.
        private static bool TryParseOffset(string text, string keyword, SessionAnchor anchor, out SessionRule? session, out string? error)
        {
            session = null;
            error = null;
            var rest = text.Substring(keyword.Length).Trim();
            if (rest.Length == 0)
            {
                session = new SessionRule(anchor, 0);
                return true;
            }

            if ((rest[0] != '+' && rest[0] != '-') || !TryParseClock(rest.Substring(1).Trim(), out var hours, out var minutes))
            {
                error = $"'{rest}' after {keyword} is not an offset; write it as +hh:mm or -hh:mm, for example {keyword}+00:30";
                return false;
            }
            if (minutes > 59)
            {
                error = $"the offset '{rest}' has {minutes} minutes; minutes go from 00 to 59";
                return false;
            }
            if (hours > 23)
            {
                error = $"the offset '{rest}' is a day or more; an offset must be less than 24:00";
                return false;
            }

            var total = hours * 60 + minutes;
            session = new SessionRule(anchor, rest[0] == '-' ? -total : total);
            return true;
        }

        // "@after_session 04:00": a time of day on the calendar day after the session.
        private static bool TryParseTimeOfDay(string text, out SessionRule? session, out string? error)
        {
            session = null;
            error = null;
            var rest = text.Substring(AfterSession.Length).Trim();
            if (rest.Length == 0)
            {
                error = $"{AfterSession} needs a time of day, for example {AfterSession} 04:00";
                return false;
            }
            if (!TryParseClock(rest, out var hours, out var minutes) || hours > 23 || minutes > 59)
            {
                error = $"'{rest}' after {AfterSession} is not a time of day; write it as hh:mm from 00:00 to 23:59, for example {AfterSession} 04:00";
                return false;
            }

            session = new SessionRule(SessionAnchor.After, hours * 60 + minutes);
            return true;
        }

        // Exactly two digits, a colon, two digits; ranges are checked by the caller, which knows what the number means.
        private static bool TryParseClock(string text, out int hours, out int minutes)
        {
            hours = minutes = 0;
            if (text.Length != 5 || text[2] != ':') return false;
            foreach (var i in new[] { 0, 1, 3, 4 })
            {
                if (text[i] < '0' || text[i] > '9') return false;
            }
            hours = (text[0] - '0') * 10 + (text[1] - '0');
            minutes = (text[3] - '0') * 10 + (text[4] - '0');
            return true;
        }

        private static string? ExpandPreset(string preset)
        {
            switch (preset.ToLowerInvariant())
            {
                case "@once": return Once;
                case "@hourly": return "0 * * * *";
                case "@daily": case "@midnight": return "0 0 * * *";
                case "@weekly": return "0 0 * * 0";
                case "@monthly": return "0 0 1 * *";
                case "@yearly": case "@annually": return "0 0 1 1 *";
                default: return null;
            }
        }
    }
}
