// This file is compiled into both Pipelines and the Pipelines.Generators analyzer, so a schedule
// the IDE accepts is exactly one the runtime accepts. Keep it netstandard2.0-compatible.
using System;
using Cronos;

namespace Pipelines.Schedules
{
    /// <summary>Reads schedule text: a cron expression (5 fields, or 6 with seconds) or a preset.</summary>
    internal static class ScheduleSyntax
    {
        public const string Once = "@once";

        public const string PresetList = "@hourly, @daily, @weekly, @monthly, @yearly, @once";

        /// <summary>
        /// Parses <paramref name="text"/>. On success <paramref name="cron"/> is the expression, or null for <c>@once</c>.
        /// On failure <paramref name="error"/> says what is wrong in one sentence.
        /// </summary>
        public static bool TryParse(string text, out CronExpression? cron, out string? error)
        {
            cron = null;
            error = null;
            var trimmed = (text ?? "").Trim();
            if (trimmed.Length == 0)
            {
                error = "the schedule is empty; leave Schedule unset for a pipeline that is only triggered by hand";
                return false;
            }

            if (trimmed[0] == '@')
            {
                var expanded = ExpandPreset(trimmed);
                if (expanded == Once) return true;
                if (expanded is null)
                {
                    error = $"'{trimmed}' is not a preset; use one of {PresetList}";
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
