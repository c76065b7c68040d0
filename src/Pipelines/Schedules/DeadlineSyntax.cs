// This file is compiled into both Pipelines and the Pipelines.Generators analyzer (beside ScheduleSyntax.cs), so a
// deadline the IDE accepts is exactly one the runtime accepts. Keep it netstandard2.0-compatible.
namespace Pipelines.Schedules
{
    /// <summary>
    /// Reads deadline text (<c>[Pipeline(Deadline = ...)]</c>, <c>[PipelineTask(Deadline = ...)]</c>): a time of day
    /// <c>hh:mm</c>, the first such time after the run's data interval ends (a 04:00 run's firing; for a manual run, the end of its logical date) in the pipeline's time zone (<c>@after_session hh:mm</c> says the
    /// same for a calendar pipeline), or a time relative to the logical date's session: <c>@session_open±hh:mm</c>,
    /// <c>@session_close±hh:mm</c>, <c>@break_start±hh:mm</c>, <c>@break_end±hh:mm</c>. The session-relative forms need a
    /// calendar.
    /// </summary>
    internal static class DeadlineSyntax
    {
        /// <summary>What deadline text may look like, for messages.</summary>
        public const string Forms = "hh:mm (the first such time after the run's data interval ends, in the pipeline's time zone) or a session time such as @session_close+01:00";

        /// <summary>
        /// Parses <paramref name="text"/> into the same rule a session-relative schedule uses: <see cref="SessionAnchor.After"/>
        /// with minutes after midnight for <c>hh:mm</c>, otherwise the anchor and its signed offset. On failure
        /// <paramref name="error"/> says what is wrong in one sentence.
        /// </summary>
        public static bool TryParse(string text, out ScheduleSyntax.SessionRule rule, out string? error)
        {
            rule = default;
            error = null;
            var trimmed = (text ?? "").Trim();
            if (trimmed.Length == 0)
            {
                error = $"a deadline cannot be empty; write {Forms}";
                return false;
            }
            if (trimmed[0] != '@')
            {
                var clock = ScheduleSyntax.AfterSession + " " + trimmed;
                if (!ScheduleSyntax.TryParse(clock, out _, out var day, out _) || day is null)
                {
                    error = $"'{trimmed}' is not a deadline; write {Forms}";
                    return false;
                }
                rule = day.Value;
                return true;
            }
            if (!ScheduleSyntax.TryParse(trimmed, out var cron, out var session, out var reason) || session is null || cron is not null)
            {
                error = reason is not null && session is null && cron is null && trimmed.StartsWith("@session", System.StringComparison.Ordinal)
                    ? reason
                    : $"'{trimmed}' is not a deadline; write {Forms}";
                return false;
            }
            rule = session.Value;
            return true;
        }

        /// <summary>Whether the deadline is measured from a session of the pipeline's calendar (and so needs one).</summary>
        public static bool NeedsCalendar(ScheduleSyntax.SessionRule rule) => rule.Anchor != SessionAnchor.After;
    }
}
