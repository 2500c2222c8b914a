using System.Collections.Concurrent;
using ControlPlane.Jobs.Batches;

namespace ControlPlane.Jobs.Tests.Batches;

/// <summary>Records what the engine hands to Hangfire; tests run those jobs themselves.</summary>
internal sealed class RecordingBatchJobQueue : IBatchJobQueue
{
    public ConcurrentQueue<Guid> Submits { get; } = new();
    public ConcurrentQueue<Guid> Ingests { get; } = new();
    public ConcurrentQueue<(Guid JobId, string Actor, string Reason)> Promotes { get; } = new();
    public ConcurrentQueue<(Guid JobId, TimeSpan Delay)> Dispatches { get; } = new();

    public void EnqueueSubmit(Guid batchJobId) => Submits.Enqueue(batchJobId);

    public void EnqueueIngest(Guid batchJobId) => Ingests.Enqueue(batchJobId);

    public void EnqueuePromote(Guid batchJobId, string actor, string reason) => Promotes.Enqueue((batchJobId, actor, reason));

    public void ScheduleDispatchPromoted(Guid batchJobId, TimeSpan delay) => Dispatches.Enqueue((batchJobId, delay));
}
