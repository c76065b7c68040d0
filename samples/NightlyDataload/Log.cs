using Microsoft.Extensions.Logging;
using NodaTime;

namespace NightlyDataload;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Rows} rows from {Path}")]
    public static partial void LogIngested(this ILogger logger, int rows, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backtest queued for {Session}")]
    public static partial void LogBacktest(this ILogger logger, LocalDate session);

    [LoggerMessage(Level = LogLevel.Error, Message = "Nightly load run {RunId} failed: {Reason}")]
    public static partial void LogRunFailed(this ILogger logger, string runId, string reason);
}
