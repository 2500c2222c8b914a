using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Telemetry;

/// <summary>
/// Drains <see cref="TelemetryQueue"/> into the database in batches. On a graceful shutdown it stops taking new
/// events only after the web server has stopped (hosted services stop in reverse order) and writes every queued one.
/// </summary>
public sealed class TelemetryWriter(
    TelemetryQueue queue,
    IDbContextFactory<ControlPlaneDbContext> factory,
    IOptions<TelemetryOptions> options,
    Requests.WriteGate gate,
    ILogger<TelemetryWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TelemetryEvent>(options.Value.BatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainOnceAsync(batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: fall through and write what is left.
        }

        queue.Complete();
        while (queue.Reader.TryPeek(out _))
        {
            await DrainOnceAsync(batch, CancellationToken.None);
        }
        logger.LogInformation("Telemetry writer stopped with an empty queue");
    }

    private async Task DrainOnceAsync(List<TelemetryEvent> batch, CancellationToken cancellationToken)
    {
        batch.Clear();
        while (batch.Count < options.Value.BatchSize && queue.Reader.TryRead(out var e))
        {
            batch.Add(e);
        }
        if (batch.Count == 0)
        {
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await gate.RunAsync(async () =>
                {
                    await using var db = await factory.CreateDbContextAsync(cancellationToken);
                    var insert = PreparedInsert<TelemetryEvent>.For(db.Model);
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    await using var command = insert.Prepare(db.Database.GetDbConnection(), transaction.GetDbTransaction());
                    foreach (var telemetryEvent in batch)
                    {
                        insert.Insert(command, telemetryEvent);
                    }
                    await transaction.CommitAsync(cancellationToken);
                });
                return;
            }
            catch (Exception ex) when (attempt < 5 && ex is not OperationCanceledException)
            {
                // SQLite may be busy with another writer: wait a little and write the same batch again.
                logger.LogWarning(ex, "Writing {Count} telemetry events failed (attempt {Attempt}); retrying", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), CancellationToken.None);
            }
        }
    }
}
