using System.Net.Http.Json;
using ControlPlane.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Alerts;

/// <summary>
/// Sends one alert to the outgoing webhook as Slack-compatible JSON. A failed delivery throws, so Hangfire
/// retries it with backoff; a delivered alert is marked, so a retry after success sends nothing.
/// </summary>
public sealed class AlertWebhookJob(IDbContextFactory<ControlPlaneDbContext> factory, IHttpClientFactory http, IOptions<AlertOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "alerts-webhook";

    public async Task RunAsync(Guid alertId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.WebhookUrl))
        {
            return;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var alert = await db.Alerts.SingleOrDefaultAsync(a => a.Id == alertId, cancellationToken);
        if (alert is null || alert.NotifiedAt is not null)
        {
            return;
        }
        var text = $"*[{alert.Severity}] {alert.Title}*\n{alert.Detail}" + (alert.Link is null ? "" : $"\n{alert.Link}");
        using var response = await http.CreateClient(HttpClientName).PostAsJsonAsync(options.Value.WebhookUrl, new { text }, cancellationToken);
        response.EnsureSuccessStatusCode();
        alert.NotifiedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }
}
