using System.Collections.Concurrent;
using ControlPlane.Jobs.Batches;

namespace ControlPlane.Jobs.Demo;

/// <summary>
/// The batch engine's hand-offs during demo history: kept in memory and run by the history's own loop at the
/// simulated time they are due, instead of going to Hangfire (whose clock is the real one).
/// </summary>
internal sealed class HistoryJobQueue(TimeProvider clock) : IBatchJobQueue
{
    private readonly ConcurrentQueue<Guid> _submits = new();
    private readonly ConcurrentQueue<Guid> _ingests = new();
    private readonly ConcurrentQueue<(Guid JobId, string Actor, string Reason)> _promotes = new();
    private readonly List<(DateTimeOffset Due, Guid JobId)> _dispatches = [];
    private readonly Lock _lock = new();

    public void EnqueueSubmit(Guid batchJobId) => _submits.Enqueue(batchJobId);

    public void EnqueueIngest(Guid batchJobId) => _ingests.Enqueue(batchJobId);

    public void EnqueuePromote(Guid batchJobId, string actor, string reason) => _promotes.Enqueue((batchJobId, actor, reason));

    public void ScheduleDispatchPromoted(Guid batchJobId, TimeSpan delay)
    {
        lock (_lock)
        {
            _dispatches.Add((clock.GetUtcNow() + delay, batchJobId));
        }
    }

    public bool TryTakeSubmit(out Guid jobId) => _submits.TryDequeue(out jobId);

    public bool TryTakeIngest(out Guid jobId) => _ingests.TryDequeue(out jobId);

    public bool TryTakePromote(out (Guid JobId, string Actor, string Reason) promote) => _promotes.TryDequeue(out promote);

    /// <summary>Takes the promoted dispatches due by <paramref name="now"/>, each job once.</summary>
    public List<Guid> TakeDispatchesDue(DateTimeOffset now)
    {
        lock (_lock)
        {
            var due = _dispatches.Where(d => d.Due <= now).Select(d => d.JobId).Distinct().ToList();
            _dispatches.RemoveAll(d => d.Due <= now);
            return due;
        }
    }
}
