using Hangfire;

namespace ControlPlane.Jobs.Webhooks;

public sealed class HangfireWebhookDeliveryQueue(IBackgroundJobClient client) : IWebhookDeliveryQueue
{
    public void EnqueueDelivery(Guid deliveryId) =>
        client.Enqueue<WebhookDeliveryJob>(j => j.RunAsync(deliveryId, CancellationToken.None));
}
