using System.Threading.Channels;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Telemetry;

/// <summary>
/// Where every request step drops its <see cref="TelemetryEvent"/>: an in-memory bounded queue, so the request
/// path never waits on a telemetry INSERT. <see cref="TelemetryWriter"/> drains it in batches and completely on shutdown.
/// </summary>
public sealed class TelemetryQueue(IOptions<TelemetryOptions> options, IDbContextFactory<ControlPlaneDbContext> factory)
{
    private readonly Channel<TelemetryEvent> _channel = Channel.CreateBounded<TelemetryEvent>(
        new BoundedChannelOptions(options.Value.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

    internal ChannelReader<TelemetryEvent> Reader => _channel.Reader;

    /// <summary>Queues an event; waits only when the buffer is full (the writer is behind), never drops.</summary>
    public ValueTask WriteAsync(TelemetryEvent telemetryEvent, CancellationToken cancellationToken = default)
    {
        if (_channel.Writer.TryWrite(telemetryEvent))
        {
            return ValueTask.CompletedTask;
        }
        return WriteSlowAsync(telemetryEvent, cancellationToken);
    }

    private async ValueTask WriteSlowAsync(TelemetryEvent telemetryEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Writer.WriteAsync(telemetryEvent, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // The writer has finished its final drain (shutdown): an event from a straggling request is
            // written directly rather than lost.
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            db.TelemetryEvents.Add(telemetryEvent);
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }

    public async ValueTask WriteAsync(IEnumerable<TelemetryEvent> events, CancellationToken cancellationToken = default)
    {
        foreach (var e in events)
        {
            await WriteAsync(e, cancellationToken);
        }
    }

    /// <summary>Events waiting to be written.</summary>
    public int Pending => _channel.Reader.Count;

    internal void Complete() => _channel.Writer.TryComplete();
}
