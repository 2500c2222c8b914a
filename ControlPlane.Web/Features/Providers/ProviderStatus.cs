using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Jobs.Providers;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Providers;

/// <summary>One provider as the page shows it: who serves it, how its last hour went, what it can do.</summary>
public sealed record ProviderStatusRow(
    string Provider, string ServedBy, bool IsSimulated, int Succeeded, int Failed, string Health, ProviderCapabilities Capabilities);

/// <summary>Health from the last hour of telemetry: successes against failed attempts and failed requests, by provider.</summary>
public sealed class ProviderStatus(IDbContextFactory<ControlPlaneDbContext> factory, IProviderRegistry registry, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Failure shares at which a provider is shown as degraded / failing.</summary>
    public const double DegradedShare = 0.1, FailingShare = 0.5;

    public async Task<IReadOnlyList<ProviderStatusRow>> LoadAsync(CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow() - Window;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var counts = await db.TelemetryEvents.AsNoTracking()
            .Where(e => e.Time >= since && e.Provider != null &&
                (e.EventType == TelemetryEventType.Succeeded || e.EventType == TelemetryEventType.AttemptFailed || e.EventType == TelemetryEventType.Failed))
            .GroupBy(e => new { e.Provider, Ok = e.EventType == TelemetryEventType.Succeeded })
            .Select(g => new { g.Key.Provider, g.Key.Ok, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return [.. ProviderIds.All.Select(id =>
        {
            var ok = counts.Where(c => c.Provider == id && c.Ok).Sum(c => c.Count);
            var failed = counts.Where(c => c.Provider == id && !c.Ok).Sum(c => c.Count);
            var (servedBy, simulated, capabilities) = Serving(id);
            return new ProviderStatusRow(id, servedBy, simulated, ok, failed, HealthOf(ok, failed), capabilities);
        })];
    }

    public static string HealthOf(int succeeded, int failed)
    {
        var total = succeeded + failed;
        if (total == 0) return "No calls";
        var share = (double)failed / total;
        return share >= FailingShare ? "Failing" : share >= DegradedShare ? "Degraded" : "Healthy";
    }

    private (string ServedBy, bool Simulated, ProviderCapabilities Capabilities) Serving(string id)
    {
        try
        {
            var instance = registry.Get(id);
            var servedBy = instance.IsSimulated ? "Simulated"
                : registry is ProviderRegistry r && r.IsConfiguredByEnvironment(id) ? "Real (environment)" : "Real (saved connection)";
            return (servedBy, instance.IsSimulated, instance.Capabilities);
        }
        catch (DomainException)
        {
            return ("Not available", false, ProviderCapabilities.For(id));
        }
    }
}
