using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Webhooks;

/// <summary>Recurring catch-up: creates deliveries a completion hook missed and re-queues deliveries whose job was lost.</summary>
public sealed class WebhookSweepJob(CompletionWebhooks webhooks, ILogger<WebhookSweepJob> logger)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var queued = await webhooks.SweepAsync(cancellationToken);
        if (queued > 0)
        {
            logger.LogInformation("Webhook sweep queued {Count} completion webhooks", queued);
        }
        return queued;
    }
}
