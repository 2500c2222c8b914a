using ControlPlane.Domain;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Jobs.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Jobs.Tests.Telemetry;

public sealed class TelemetryWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cp-telemetry-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Stop_AfterEnqueueing_WritesEveryEventBeforeTheHostEnds()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ControlPlane:DataDirectory"] = _dir,
            ["ControlPlane:Telemetry:BatchSize"] = "100",
        });
        builder.AddControlPlaneDomain();
        builder.AddControlPlaneJobs();
        using var host = builder.Build();
        await host.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(ct);
        await host.StartAsync(ct);

        var queue = host.Services.GetRequiredService<TelemetryQueue>();
        var requestId = Guid.NewGuid();
        for (var i = 0; i < 5_000; i++)
        {
            await queue.WriteAsync(new TelemetryEvent(DateTimeOffset.UtcNow, requestId, Guid.NewGuid(), Guid.NewGuid(), null, null, null,
                TelemetryEventType.Received, Attempt: i), ct);
        }
        await host.StopAsync(ct);

        var factory = host.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        Assert.Equal(5_000, await db.TelemetryEvents.CountAsync(e => e.RequestId == requestId, ct));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
