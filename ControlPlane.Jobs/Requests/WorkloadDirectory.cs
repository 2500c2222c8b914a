using System.Collections.Concurrent;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Requests;

/// <summary>
/// Workloads by slug for the request path, kept for a few seconds: every request needs its workload, and an edit
/// (segment, models, archive) taking up to <see cref="MaxAge"/> to reach the API is acceptable. Unknown slugs are
/// always looked up again, so a new workload is usable at once.
/// </summary>
public sealed class WorkloadDirectory(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (Workload Workload, DateTimeOffset LoadedAt)> _bySlug = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<Workload?> FindAsync(string slug, CancellationToken cancellationToken)
    {
        if (_bySlug.TryGetValue(slug, out var hit) && clock.GetUtcNow() - hit.LoadedAt < MaxAge)
        {
            return hit.Workload;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var workload = await db.Workloads.AsNoTracking().FirstOrDefaultAsync(w => w.Slug == slug.ToLowerInvariant(), cancellationToken);
        if (workload is null)
        {
            _bySlug.TryRemove(slug, out _);
            return null;
        }
        _bySlug[slug] = (workload, clock.GetUtcNow());
        return workload;
    }

    public void Invalidate() => _bySlug.Clear();
}
