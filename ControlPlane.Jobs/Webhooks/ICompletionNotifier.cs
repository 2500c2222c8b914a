namespace ControlPlane.Jobs.Webhooks;

/// <summary>
/// Told right after requests reached a terminal state and that state was committed, so their completion webhooks go
/// out without waiting for the sweep. Never throws: a missed call is caught up by <see cref="WebhookSweepJob"/>.
/// </summary>
public interface ICompletionNotifier
{
    /// <summary>A real-time (or promoted) request was settled.</summary>
    Task RequestSettledAsync(Guid requestId, CancellationToken cancellationToken);

    /// <summary>A batch job's results were ingested: its settled requests are looked up by job.</summary>
    Task BatchSettledAsync(Guid batchJobId, CancellationToken cancellationToken);
}

/// <summary>Hands a delivery to the background job system (Hangfire in the app), which retries it with backoff.</summary>
public interface IWebhookDeliveryQueue
{
    void EnqueueDelivery(Guid deliveryId);
}
