using Microsoft.CodeAnalysis;

namespace Pipelines.Generators;

/// <summary>Every diagnostic the Pipelines analyzer reports. Ids are stable; each has a page under docs/diagnostics.</summary>
internal static partial class DiagnosticDescriptors
{
    private const string Category = "Pipelines";
    private const string HelpBase = "https://github.com/pipelines-dotnet/pipelines/blob/main/docs/diagnostics/";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");

    public static readonly DiagnosticDescriptor DependencyCycle = Error("PIPE001",
        "Tasks form a dependency cycle",
        "Pipeline '{0}' has a dependency cycle: {1}. Remove one of these dependencies so the tasks can run in order.");

    public static readonly DiagnosticDescriptor UnknownDependency = Error("PIPE002",
        "Dependency on an unknown task",
        "Task '{0}' depends on '{1}', which is not a task of pipeline '{2}'.{3} Name a [PipelineTask] method of this class, preferably with nameof.");

    public static readonly DiagnosticDescriptor SelfDependency = Error("PIPE003",
        "Task depends on itself",
        "Task '{0}' depends on itself. Remove '{0}' from its own dependencies.");

    public static readonly DiagnosticDescriptor DuplicateTaskId = Error("PIPE004",
        "Duplicate task id",
        "Pipeline '{0}' already has a task '{1}'. Task ids are method names, so overloads cannot both be tasks; rename one of the methods.");

    // Found once the whole compilation is seen, so it carries the CompilationEnd tag.
    public static readonly DiagnosticDescriptor DuplicatePipelineId = new("PIPE005",
        "Duplicate pipeline id",
        "Pipeline id '{0}' is also used by {1}. Give every pipeline in the assembly its own id.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + "PIPE005.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor InvalidPipelineClass = Error("PIPE006",
        "Pipeline class cannot be generated",
        "Pipeline class '{0}' {1}. {2}");

    public static readonly DiagnosticDescriptor InvalidTaskMethod = Error("PIPE007",
        "Task method cannot be called by the pipeline",
        "Task method '{0}' {1}. {2}");

    public static readonly DiagnosticDescriptor UnknownInputTask = Error("PIPE008",
        "Typed input from an unknown task",
        "Parameter '{0}' of task '{1}' takes the output of '{2}', which is not a task of pipeline '{3}'.{4} Name a [PipelineTask] method of this class, preferably with nameof.");

    public static readonly DiagnosticDescriptor InputTypeMismatch = Error("PIPE009",
        "Typed input does not match the upstream output",
        "Parameter '{0}' of task '{1}' has type '{2}', but task '{3}' returns '{4}'. Change the parameter to '{4}' or a type it converts to implicitly.");

    public static readonly DiagnosticDescriptor InputFromTaskWithoutResult = Error("PIPE010",
        "Typed input from a task that returns nothing",
        "Parameter '{0}' of task '{1}' takes the output of '{2}', but '{2}' returns no value. Return a value from '{2}', or use [DependsOn(nameof({2}))] and drop the parameter.");

    public static readonly DiagnosticDescriptor InvalidSchedule = Error("PIPE011",
        "Invalid schedule",
        "Schedule '{0}' of pipeline '{1}' is invalid: {2}. Use a cron expression such as \"0 4 * * 1-5\" or a preset (@hourly, @daily, @weekly, @monthly, @yearly, @once).");

    public static readonly DiagnosticDescriptor UnknownTimeZone = Error("PIPE012",
        "Unknown time zone",
        "Time zone '{0}' of pipeline '{1}' is not an IANA time zone id.{2} Use an id from the tz database, such as \"America/New_York\" or \"Europe/London\".");

    // PIPE013 has two messages, one per way a Calendar value can be wrong; both read the value with the runtime's own
    // parser (CalendarExpression), so what the IDE accepts is what ExchangeCalendar.Get accepts.
    private const string CalendarTitle = "Unknown calendar or malformed calendar expression";

    public static readonly DiagnosticDescriptor UnknownCalendar = Error("PIPE013",
        CalendarTitle,
        "Calendar '{0}' of pipeline '{1}' is not known.{2} Use one of {3}, or declare your own with [assembly: PipelineCalendar(\"{0}\")].");

    public static readonly DiagnosticDescriptor InvalidCalendarExpression = Error("PIPE013",
        CalendarTitle,
        "Calendar '{0}' of pipeline '{1}' is invalid: {2}. Write a calendar id such as \"XNYS\", or combine ids with '&' (sessions of both), '|' (sessions of either) and parentheses, as in \"XNYS & CMES\".");

    public static readonly DiagnosticDescriptor InvalidDuration = Error("PIPE014",
        "Invalid duration",
        "{0} '{1}' of {2} is not a duration in TimeSpan's invariant format. Write it as [d.]hh:mm:ss, for example \"00:05:00\" for five minutes or \"1.00:00:00\" for a day.");

    public static readonly DiagnosticDescriptor SettingOutOfRange = Error("PIPE015",
        "Setting out of range",
        "{0} of {1} is {2}, but it must be {3}");

    public static readonly DiagnosticDescriptor InvalidBranchTarget = Error("PIPE016",
        "Branch target is not a direct downstream task",
        "Branch '{0}' {1}. {2}");

    public static readonly DiagnosticDescriptor EmptyPipeline = Error("PIPE017",
        "Pipeline has no tasks",
        "Pipeline '{0}' has no tasks. Mark at least one method of '{1}' with [PipelineTask].");

    public static readonly DiagnosticDescriptor InvalidStartDate = Error("PIPE018",
        "Invalid start date",
        "Start date '{0}' of pipeline '{1}' is not a date in yyyy-MM-dd form. Write it like \"2024-01-31\".");

    public static readonly DiagnosticDescriptor InvalidTaskKindReturn = Error("PIPE019",
        "Task returns the wrong type for its kind",
        "{0} '{1}' returns '{2}', but {3}");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error("PIPE020",
        "Task parameter has no source",
        "Parameter '{0}' of task '{1}' cannot be supplied by the pipeline. A task parameter must be a RunContext, a CancellationToken, or an upstream output marked [FromTask(nameof(...))]; take services through the pipeline class's constructor.");

    public static readonly DiagnosticDescriptor TaskOutsidePipeline = Warning("PIPE021",
        "Task attribute outside a pipeline class",
        "Method '{0}' has [{1}], but class '{2}' has no [Pipeline] attribute, so the method is not part of any pipeline. Add [Pipeline(\"id\")] to the class or remove the attribute.");

    public static readonly DiagnosticDescriptor TaskAttributeWithoutPipelineTask = Warning("PIPE022",
        "Task setting on a method that is not a task",
        "Method '{0}' has [{1}] but no [PipelineTask], so it is not a task and the setting is ignored. Add [PipelineTask] to the method or remove [{1}].");

    public static readonly DiagnosticDescriptor InvalidPipelineId = Error("PIPE023",
        "Invalid pipeline id",
        "Pipeline id '{0}' is invalid: {1}. Use letters, digits, '_', '-' and '.', starting with a letter or digit, such as \"nightly_dataload\".");

    public static readonly DiagnosticDescriptor InvalidQueueName = Error("PIPE024",
        "Invalid queue name",
        "Queue '{0}' of task '{1}' is not a valid Hangfire queue name. Use only lowercase letters, digits, '_' and '-', such as \"risk_models\".");

    public static readonly DiagnosticDescriptor SessionScheduleWithoutCalendar = Error("PIPE025",
        "Session schedule without a calendar",
        "Schedule '{0}' of pipeline '{1}' is relative to exchange sessions, but the pipeline has no Calendar to take the sessions from. Add a Calendar such as Calendar = \"XNYS\", or use a cron expression such as \"30 16 * * 1-5\".");

    public static readonly DiagnosticDescriptor UnknownPool = Error("PIPE026",
        "Unknown pool",
        "Pool '{0}' of task '{1}' is not declared by this assembly or the assemblies it references.{2} Declare it with [assembly: Pool(\"{0}\", Slots = 4)], or name one of the declared pools ({3}).");

    public static readonly DiagnosticDescriptor PoolSlotsExceedPool = Error("PIPE027",
        "Task asks for more slots than its pool has",
        "Task '{0}' takes {1} slots of pool '{2}', which has only {3}, so it could never start. Lower PoolSlots to at most {3}, or raise the pool's Slots.");

    public static readonly DiagnosticDescriptor InvalidPoolDeclaration = Error("PIPE028",
        "Invalid pool declaration",
        "Pool '{0}' is declared wrongly: {1}. {2}");

    public static readonly DiagnosticDescriptor InvalidDeadline = Error("PIPE029",
        "Invalid deadline",
        // The reason comes from DeadlineSyntax, the runtime's own parser, and always says what to write instead.
        "Deadline '{0}' of {1} is invalid: {2}.");

    public static readonly DiagnosticDescriptor SessionDeadlineWithoutCalendar = Error("PIPE030",
        "Session deadline without a calendar",
        "Deadline '{0}' of {1} is relative to exchange sessions, but pipeline '{2}' has no Calendar to take the sessions from. Add a Calendar such as Calendar = \"XNYS\" to the pipeline, or write a time of day such as \"06:30\".");

    public static readonly DiagnosticDescriptor InvalidCallbackMethod = Error("PIPE031",
        "Callback method cannot be called by the pipeline",
        "Callback '{0}' {1}. {2}");

    public static readonly DiagnosticDescriptor UnknownCallbackTask = Error("PIPE032",
        "Callback names an unknown task",
        "Callback '{0}' names '{1}', which is not a task of pipeline '{2}'.{3} Name a [PipelineTask] method of this class, preferably with nameof, or name none for a pipeline-wide callback.");

    public static readonly DiagnosticDescriptor TaskIsCallback = Error("PIPE033",
        "Method is both a task and a callback",
        "Method '{0}' is a [PipelineTask] and has [{1}]. A callback reacts to tasks and is not one; move the callback into its own method.");

    public static readonly DiagnosticDescriptor InvalidAssetSchedule = Error("PIPE050",
        "Invalid asset schedule",
        // The reason comes from AssetExpression, the runtime's own parser.
        "Schedule '{0}' of pipeline '{1}' is invalid: {2}. Write @assets(name), combining names with '&' (all of them), '|' (any of them) and parentheses, optionally followed by '| cron' to run on time too, as in \"@assets(prices.daily & fundamentals.daily) | 0 6 * * 1-5\".");

    public static readonly DiagnosticDescriptor InvalidAssetName = Error("PIPE051",
        "Invalid asset name",
        "Asset name '{0}' of {1} is invalid: {2}. Name assets like \"prices.daily\".");

    // Found once every pipeline of the compilation is seen, so they carry the CompilationEnd tag.
    public static readonly DiagnosticDescriptor UnknownAsset = new("PIPE052",
        "Pipeline is scheduled on an asset nothing produces",
        "Pipeline '{0}' is scheduled on asset '{1}', which no task in this assembly produces. {2}Add [Produces(\"{1}\")] to the task that writes it, or declare [assembly: ExternalAsset(\"{1}\")] when another system produces it.",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpBase + "PIPE052.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor UnknownAssetInClosedPipeline = new("PIPE054",
        "Pipeline with closed assets is scheduled on an asset nothing produces",
        "Pipeline '{0}' declares its assets closed and is scheduled on asset '{1}', which no task in this assembly produces and no [assembly: ExternalAsset] declares. {2}Add [Produces(\"{1}\")] to the task that writes it, declare [assembly: ExternalAsset(\"{1}\")] when another system produces it, or remove ClosedAssets = true.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + "PIPE054.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor ClosedAssetsWithoutAssets = Warning("PIPE055",
        "ClosedAssets on a pipeline not scheduled on assets",
        "Pipeline '{0}' sets ClosedAssets = true, but its schedule reads no asset, so there is nothing to check. Schedule it on assets, as in Schedule = \"@assets(prices.daily)\", or remove ClosedAssets.");

    public static readonly DiagnosticDescriptor TaskInExtensionBlock = Error("PIPE056",
        "Task attribute on a member of an extension block",
        "Method '{0}' has [{1}], but it is declared in an extension block of class '{2}', and a pipeline's tasks and callbacks are the methods of the pipeline class itself. Move '{0}' out of the extension(...) block.");

    public static readonly DiagnosticDescriptor AssetCycle = new("PIPE053",
        "Pipelines start each other through assets",
        "Pipelines start each other through assets in a cycle: {0}. Remove one of these assets from a schedule or a [Produces] so a run cannot lead back to itself.",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + "PIPE053.md",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    // Info, not a warning: a string that names an existing task works; nameof only keeps it working through a rename.
    public static readonly DiagnosticDescriptor TaskIdAsString = new("PIPE035",
        "Task id written as a string",
        "Task id \"{0}\" is written as a string. Write nameof({1}) instead, so renaming the task updates this reference and a typo fails to compile.",
        Category, DiagnosticSeverity.Info, isEnabledByDefault: true, helpLinkUri: HelpBase + "PIPE035.md");

    public static readonly DiagnosticDescriptor NullTaskId = Error("PIPE034",
        "Task id is null",
        "{0} names no task: the task id is null. Name a [PipelineTask] method of this class with nameof, such as nameof(Extract).");

    // Typed run parameters: PIPE040-PIPE049.
    public static readonly DiagnosticDescriptor UnsupportedRunParameterType = Error("PIPE040",
        "Run parameter has an unsupported type",
        "Run parameter '{0}' of {1} has type '{2}', which a run parameter cannot hold. Use string, int, long, decimal, double, bool, LocalDate, an enum, or a list of these (T[], List<T>, IReadOnlyList<T>), or move the member out of the parameters record.");

    public static readonly DiagnosticDescriptor RunParametersTypeMismatch = Error("PIPE041",
        "[RunParameters] type differs from the pipeline's parameters",
        "Parameter '{0}' of task '{1}' takes the run parameters as {2}, but pipeline '{3}' declares them as {4}. Take {4}, or change the pipeline's Parameters.");

    public static readonly DiagnosticDescriptor RequiredRunParameterOnSchedule = Error("PIPE042",
        "Scheduled pipeline has a required run parameter without a default",
        "Pipeline '{0}' runs on a schedule, but run parameter '{1}' of {2} is required and has no default, so a scheduled run could not start. Give '{1}' a default (as in 'int MaxRows = 500'), make it nullable, or remove the Schedule.");

    public static readonly DiagnosticDescriptor InvalidRunParametersType = Error("PIPE043",
        "Run parameters type cannot be bound",
        "Run parameters type {0} cannot be bound: {1}. {2}");
}
