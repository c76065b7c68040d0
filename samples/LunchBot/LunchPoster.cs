namespace LunchBot;

/// <summary>Where the bot's messages go: a webhook, or the console when none is configured.</summary>
/// <param name="Webhook">A Slack-compatible incoming webhook, or null to print messages instead.</param>
public sealed record LunchBotSettings(Uri? Webhook);

/// <summary>
/// Posts a message as Slack-compatible JSON (<c>{"text": "..."}</c>) to the configured webhook, or prints it.
/// A failed post throws, so the task fails and is retried.
/// </summary>
public sealed class LunchPoster(HttpClient http, LunchBotSettings settings, ILogger<LunchPoster> logger)
{
    public async Task PostAsync(string text, CancellationToken cancellationToken)
    {
        if (settings.Webhook is not { } url)
        {
            Console.WriteLine($"  [lunch_bot -> console] {text}");
            return;
        }

        using var response = await http.PostAsJsonAsync(url, new { text }, cancellationToken);
        response.EnsureSuccessStatusCode();
        logger.LogPosted(url, text);
    }
}
