namespace ControlPlane.Jobs.Batches;

/// <summary>
/// How the batch engine hands work to the background-job system. Hangfire in the app (see
/// <c>Scheduling/HangfireBatchJobQueue</c>); tests record the calls and run the jobs themselves.
/// Every job behind these calls is safe to run twice, so a lost or repeated enqueue does no harm.
/// </summary>
public interface IBatchJobQueue
{
    void EnqueueSubmit(Guid batchJobId);

    void EnqueueIngest(Guid batchJobId);

    void EnqueuePromote(Guid batchJobId, string actor, string reason);

    /// <summary>The next chunk of a promotion larger than the real-time capacity allows at once.</summary>
    void ScheduleDispatchPromoted(Guid batchJobId, TimeSpan delay);
}
