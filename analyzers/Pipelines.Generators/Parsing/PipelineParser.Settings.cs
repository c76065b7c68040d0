using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;
using Pipelines.Calendars;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;
using Pipelines.Generators.Validation;
using Pipelines.Schedules;

namespace Pipelines.Generators.Parsing;

/// <summary>The <c>[Pipeline]</c> attribute's settings: schedule, time zone, calendar, start date, limits, deadline.</summary>
internal static partial class PipelineParser
{
    /// <summary>The <c>[Pipeline]</c> attribute's named arguments, each checked where it is written.</summary>
    private static PipelineSettings ReadSettings(AttributeData pipelineAttribute, string id, KnownSymbols known, DiagnosticReporter report, ref bool blocked, CancellationToken cancellationToken)
    {
        var settings = new PipelineSettings();
        foreach (var named in pipelineAttribute.NamedArguments)
        {
            if (named.Value.Kind == TypedConstantKind.Error) { blocked = true; continue; }
            switch (named.Key)
            {
                case nameof(PipelineAttribute.Schedule): settings.Schedule = named.Value.Value as string; break;
                case nameof(PipelineAttribute.TimeZone): settings.TimeZone = named.Value.Value as string; break;
                case nameof(PipelineAttribute.Calendar): settings.Calendar = named.Value.Value as string; break;
                case nameof(PipelineAttribute.Description): settings.Description = named.Value.Value as string; break;
                case nameof(PipelineAttribute.Catchup): settings.Catchup = named.Value.Value is true; break;
                case nameof(PipelineAttribute.PausedOnCreation): settings.PausedOnCreation = named.Value.Value is true; break;
                case nameof(PipelineAttribute.MaxActiveRuns):
                    settings.MaxActiveRuns = named.Value.Value is int runs ? runs : settings.MaxActiveRuns;
                    if (settings.MaxActiveRuns < 1)
                        report(DiagnosticDescriptors.SettingOutOfRange, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.MaxActiveRuns), cancellationToken),
                            new object?[] { nameof(PipelineAttribute.MaxActiveRuns), $"pipeline '{id}'", settings.MaxActiveRuns, "at least 1, since no run could ever start." });
                    break;
                case nameof(PipelineAttribute.MaxActiveTasks):
                    settings.MaxActiveTasks = named.Value.Value is int activeTasks ? activeTasks : 0;
                    if (settings.MaxActiveTasks < 0)
                        report(DiagnosticDescriptors.SettingOutOfRange, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.MaxActiveTasks), cancellationToken),
                            new object?[] { nameof(PipelineAttribute.MaxActiveTasks), $"pipeline '{id}'", settings.MaxActiveTasks, "0 or more; 0 sets no limit." });
                    break;
                case nameof(PipelineAttribute.Deadline): settings.Deadline = named.Value.Value as string; break;
                case nameof(PipelineAttribute.Parameters): settings.Parameters = named.Value.Value as ITypeSymbol; break;
                case nameof(PipelineAttribute.Tags):
                    if (!named.Value.IsNull && named.Value.Kind == TypedConstantKind.Array)
                        settings.Tags = named.Value.Values.Select(v => v.Value as string).Where(v => v is not null).Select(v => v!).ToImmutableArray();
                    break;
                case nameof(PipelineAttribute.StartDate):
                    var startText = named.Value.Value as string;
                    if (startText is null) break;
                    var parsed = LocalDatePattern.Iso.Parse(startText);
                    if (parsed.Success) settings.StartDate = new DateSpec(parsed.Value.Year, parsed.Value.Month, parsed.Value.Day);
                    else report(DiagnosticDescriptors.InvalidStartDate, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.StartDate), cancellationToken), new object?[] { startText, id });
                    break;
            }
        }

        if (settings.Schedule is not null)
        {
            if (!ScheduleSyntax.TryParse(settings.Schedule, out _, out var session, out _, out var scheduleError))
                report(AssetParser.IsAssetSchedule(settings.Schedule) ? DiagnosticDescriptors.InvalidAssetSchedule : DiagnosticDescriptors.InvalidSchedule,
                    AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.Schedule), cancellationToken), new object?[] { settings.Schedule, id, scheduleError });
            else if (session is not null && settings.Calendar is null)
                report(DiagnosticDescriptors.SessionScheduleWithoutCalendar, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.Schedule), cancellationToken), new object?[] { settings.Schedule, id },
                    Properties(DiagnosticProperties.Calendars, string.Join(DiagnosticProperties.CalendarSeparator.ToString(), KnownCalendars(known.Compilation))));
        }

        if (settings.TimeZone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(settings.TimeZone) is null)
        {
            var (hint, replacement) = TimeZoneHint(settings.TimeZone);
            report(DiagnosticDescriptors.UnknownTimeZone, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.TimeZone), cancellationToken), new object?[] { settings.TimeZone, id, hint },
                Properties(DiagnosticProperties.Suggestion, replacement));
        }

        if (settings.Calendar is not null) CheckCalendar(settings.Calendar, id, pipelineAttribute, known, report, cancellationToken);
        if (settings.Deadline is not null)
            CheckDeadline(settings.Deadline, $"pipeline '{id}'", id, settings.Calendar, AttributeArguments.Named(pipelineAttribute, nameof(PipelineAttribute.Deadline), cancellationToken), report);

        return settings;
    }

    /// <summary>The pipeline's settings as read; an unset one keeps its default.</summary>
    private sealed class PipelineSettings
    {
        public string? Schedule { get; set; }
        public string? TimeZone { get; set; }
        public string? Calendar { get; set; }
        public string? Description { get; set; }
        public DateSpec? StartDate { get; set; }
        public bool Catchup { get; set; }
        public bool PausedOnCreation { get; set; }
        public int MaxActiveRuns { get; set; } = PipelineDefaults.MaxActiveRuns;
        public int MaxActiveTasks { get; set; }
        public string? Deadline { get; set; }
        public ImmutableArray<string> Tags { get; set; } = ImmutableArray<string>.Empty;
        public ITypeSymbol? Parameters { get; set; }
    }

    /// <summary>
    /// A calendar is a known id or an expression of known ids (<c>XNYS &amp; CMES</c>), read with the runtime's parser.
    /// An unknown id inside an expression is reported on that id alone, so the squiggle shows which one to fix.
    /// </summary>
    private static void CheckCalendar(string calendar, string id, AttributeData attribute, KnownSymbols known, DiagnosticReporter report, CancellationToken cancellationToken)
    {
        var calendars = KnownCalendars(known.Compilation);
        // A declared id is taken whole, even one with characters the expression syntax gives a meaning to.
        if (calendars.Contains(calendar, StringComparer.Ordinal)) return;
        var location = AttributeArguments.Named(attribute, nameof(PipelineAttribute.Calendar), cancellationToken);
        if (!CalendarExpression.TryParse(calendar, out var expression, out var error))
        {
            report(DiagnosticDescriptors.InvalidCalendarExpression, location, new object?[] { calendar, id, error });
            return;
        }

        foreach (var name in expression!.Ids())
        {
            if (calendars.Contains(name.Name, StringComparer.Ordinal)) continue;
            var where = expression is CalendarExpression.Id ? location : AttributeArguments.InsideString(attribute, nameof(PipelineAttribute.Calendar), name.Start, name.Name.Length, cancellationToken);
            report(DiagnosticDescriptors.UnknownCalendar, where, new object?[] { name.Name, id, Suggestions.DidYouMean(name.Name, calendars), string.Join(", ", calendars) });
        }
    }

    /// <summary>The calendar ids a pipeline in this compilation may name: the built-in ones and those declared with [assembly: PipelineCalendar].</summary>
    public static ImmutableArray<string> KnownCalendars(Compilation compilation)
    {
        var ids = BuiltInCalendars.ToBuilder();
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == KnownSymbols.ApiNamespace + nameof(PipelineCalendarAttribute)
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is string id
                && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }
        return ids.ToImmutable();
    }

    /// <summary>
    /// Calendars the Pipelines.Calendars package registers by default. The analyzer cannot load that package, so the list
    /// is repeated here; <c>BuiltInCalendarTests</c> fails when it drifts from <c>ExchangeCalendar.Ids</c>.
    /// </summary>
    public static readonly ImmutableArray<string> BuiltInCalendars = ImmutableArray.Create("XNYS", "CMES", "SIFMA_US", "XTKS", "XLON", "XETR", "XPAR", "XAMS", "XSWX", "XHKG", "XASX", "XTSE", "IEPA");

    /// <summary>The sentence that helps, and the IANA id to write instead when there is one.</summary>
    private static (string Hint, string? Replacement) TimeZoneHint(string timeZone)
    {
        var windows = TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping;
        if (windows.TryGetValue(timeZone, out var fromWindows)) return ($" '{timeZone}' is a Windows id; the IANA id is '{fromWindows}'.", fromWindows);
        var closest = Suggestions.Closest(timeZone, DateTimeZoneProviders.Tzdb.Ids);
        return (Suggestions.DidYouMean(closest), closest);
    }

    /// <summary>
    /// A deadline is read with the runtime's own parser (<see cref="DeadlineSyntax"/>); one measured from a session needs
    /// the pipeline's calendar, as a session schedule does.
    /// </summary>
    private static void CheckDeadline(string deadline, string owner, string pipelineId, string? calendar, Location where, DiagnosticReporter report)
    {
        if (!DeadlineSyntax.TryParse(deadline, out var rule, out var error))
            report(DiagnosticDescriptors.InvalidDeadline, where, new object?[] { deadline, owner, error });
        else if (DeadlineSyntax.NeedsCalendar(rule) && calendar is null)
            report(DiagnosticDescriptors.SessionDeadlineWithoutCalendar, where, new object?[] { deadline, owner, pipelineId });
    }
}
