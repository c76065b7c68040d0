using System.Text;
using System.Text.Json;

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

        // A buffered body with a Content-Length: PostAsJsonAsync streams it chunked, which some webhook receivers refuse.
        using var body = new StringContent(JsonSerializer.Serialize(new { text }), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(url, body, cancellationToken);
        response.EnsureSuccessStatusCode();
        logger.LogPosted(url, text);
    }
}
