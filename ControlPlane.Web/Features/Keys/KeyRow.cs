using ControlPlane.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Keys;

/// <summary>One API key as the keys page lists it; never carries the secret or its hash.</summary>
public sealed record KeyRow(Guid Id, string Name, string Prefix, string Team, string Scope, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static async Task<List<KeyRow>> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var workloads = await db.Workloads.ToDictionaryAsync(w => w.Id, w => w.Slug, cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.RevokedAt.HasValue).ThenByDescending(k => k.CreatedAt).Select(k => new KeyRow(
            k.Id, k.Name, k.DisplayPrefix,
            k.TeamId is { } t ? teams.GetValueOrDefault(t, "?") : "Every team",
            k.WorkloadIds.Count == 0 ? "All workloads of the team" : string.Join(", ", k.WorkloadIds.Select(w => workloads.GetValueOrDefault(w, "?"))),
            k.CreatedAt, k.LastUsedAt, k.RevokedAt))];
    }
}
