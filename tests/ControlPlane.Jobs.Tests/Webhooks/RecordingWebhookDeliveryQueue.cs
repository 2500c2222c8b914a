using System.Collections.Concurrent;
using ControlPlane.Jobs.Webhooks;

namespace ControlPlane.Jobs.Tests.Webhooks;

/// <summary>Stands in for Hangfire: records which deliveries were queued, so a test runs the job itself.</summary>
internal sealed class RecordingWebhookDeliveryQueue : IWebhookDeliveryQueue
{
    public ConcurrentQueue<Guid> Queued { get; } = new();

    public void EnqueueDelivery(Guid deliveryId) => Queued.Enqueue(deliveryId);
}
