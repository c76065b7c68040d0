namespace LunchBot;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Posted to {Webhook}: {Text}")]
    public static partial void LogPosted(this ILogger logger, Uri webhook, string text);
}
