using ControlPlane.Jobs.Batches;
using Hangfire;

namespace ControlPlane.Jobs.Scheduling;

/// <summary>The batch engine's hand-offs as Hangfire jobs; arguments are ids, never entities.</summary>
public sealed class HangfireBatchJobQueue(IBackgroundJobClient client) : IBatchJobQueue
{
    public void EnqueueSubmit(Guid batchJobId) =>
        client.Enqueue<BatchSubmitJob>(j => j.RunAsync(batchJobId, CancellationToken.None));

    public void EnqueueIngest(Guid batchJobId) =>
        client.Enqueue<BatchIngestJob>(j => j.RunAsync(batchJobId, CancellationToken.None));

    public void EnqueuePromote(Guid batchJobId, string actor, string reason) =>
        client.Enqueue<BatchPromoteJob>(j => j.RunAsync(batchJobId, actor, reason, CancellationToken.None));

    public void ScheduleDispatchPromoted(Guid batchJobId, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            client.Enqueue<PromotedDispatchJob>(j => j.RunAsync(batchJobId, CancellationToken.None));
        }
        else
        {
            client.Schedule<PromotedDispatchJob>(j => j.RunAsync(batchJobId, CancellationToken.None), delay);
        }
    }
}
