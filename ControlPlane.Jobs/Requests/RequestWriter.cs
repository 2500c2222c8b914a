using System.Threading.Channels;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Jobs.Requests;

/// <summary>
/// Group commit for request rows. SQLite has one writer at a time; hundreds of API calls each committing their own
/// row would queue on its lock and each pay a commit. Instead callers hand their row here and wait; one loop writes
/// everything waiting in one transaction and then releases every caller, so a reply still comes only after its row is
/// durably stored. If a batch fails (e.g. an idempotency key raced), its rows are retried one by one so each caller
/// gets its own outcome.
/// </summary>
public sealed class RequestWriter(IDbContextFactory<ControlPlaneDbContext> factory, WriteGate gate) : BackgroundService
{
    private const int MaxBatch = 512;

    private sealed record Pending(InferenceRequest Request, bool Insert, IReadOnlyList<FailoverEvent> Failovers)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Stores a new request; completes once it is committed, or throws what the database said.</summary>
    public Task InsertAsync(InferenceRequest request) => EnqueueAsync(new Pending(request, true, []));

    /// <summary>Stores a request's new state together with its failover events.</summary>
    public Task UpdateAsync(InferenceRequest request, IReadOnlyList<FailoverEvent> failovers) => EnqueueAsync(new Pending(request, false, failovers));

    private Task EnqueueAsync(Pending pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            return WriteAloneThenAsync(pending); // Shutting down: write directly.
        }
        return pending.Done.Task;
    }

    private async Task WriteAloneThenAsync(Pending pending)
    {
        await WriteAloneAsync(pending);
        await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryPeek(out _))
        {
            await DrainAsync(batch);
        }
    }

    private async Task DrainAsync(List<Pending> batch)
    {
        batch.Clear();
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }
        if (batch.Count == 0)
        {
            return;
        }
        try
        {
            await SaveAsync(batch);
            batch.ForEach(p => p.Done.TrySetResult());
        }
        catch (Exception) when (batch.Count > 1)
        {
            foreach (var pending in batch)
            {
                await WriteAloneAsync(pending);
            }
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
        }
    }

    private async Task WriteAloneAsync(Pending pending)
    {
        try
        {
            await SaveAsync([pending]);
            pending.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    private Task SaveAsync(IReadOnlyList<Pending> batch) => gate.RunAsync(() => SaveNowAsync(batch));

    private async Task SaveNowAsync(IReadOnlyList<Pending> batch)
    {
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        foreach (var pending in batch)
        {
            if (pending.Insert)
            {
                db.Requests.Add(pending.Request);
            }
            else
            {
                db.FailoverEvents.AddRange(pending.Failovers);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
        foreach (var pending in batch.Where(p => !p.Insert))
        {
            // The outcome of a real-time call: only the columns it changes, as one UPDATE, no reload.
            var r = pending.Request;
            await db.Requests.Where(x => x.Id == r.Id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, r.Status)
                .SetProperty(x => x.StatusChangedAt, r.StatusChangedAt)
                .SetProperty(x => x.Mode, r.Mode)
                .SetProperty(x => x.Provider, r.Provider)
                .SetProperty(x => x.Model, r.Model)
                .SetProperty(x => x.Attempts, r.Attempts)
                .SetProperty(x => x.Output, r.Output)
                .SetProperty(x => x.InputTokens, r.InputTokens)
                .SetProperty(x => x.OutputTokens, r.OutputTokens)
                .SetProperty(x => x.Cost, r.Cost)
                .SetProperty(x => x.CounterfactualCost, r.CounterfactualCost)
                .SetProperty(x => x.ErrorClass, r.ErrorClass)
                .SetProperty(x => x.Error, r.Error)
                .SetProperty(x => x.CompletedAt, r.CompletedAt)
                .SetProperty(x => EF.Property<long>(x, ControlPlaneDbContext.VersionPropertyName), x => EF.Property<long>(x, ControlPlaneDbContext.VersionPropertyName) + 1),
                CancellationToken.None);
        }
        await transaction.CommitAsync(CancellationToken.None);
    }
}
