using System.Collections.Concurrent;
using ControlPlane.Domain.ApiKeys;
using ControlPlane.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Endpoints.Auth;

/// <summary>Who is calling: the key's id and the teams and workloads it may act for.</summary>
public sealed record ApiCaller(Guid KeyId, Guid? TeamId, IReadOnlyList<Guid> WorkloadIds)
{
    public bool AllowsTeam(Guid teamId) => TeamId is null || TeamId == teamId;

    public bool AllowsWorkload(Guid teamId, Guid workloadId) =>
        AllowsTeam(teamId) && (WorkloadIds.Count == 0 || WorkloadIds.Contains(workloadId));
}

/// <summary>
/// Checks bearer tokens against stored key hashes. Keys are cached by lookup id for <see cref="CacheFor"/> so the
/// request path does not read the key table each time; revoking through <see cref="Features.Keys.ApiKeyService"/>
/// evicts at once on this instance (other instances within <see cref="CacheFor"/>). Last-used time is written at
/// most once a minute per key, off the request path.
/// </summary>
public sealed class ApiKeyAuthenticator(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider clock, ILogger<ApiKeyAuthenticator> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private sealed record Entry(ApiKey Key, DateTimeOffset LoadedAt)
    {
        public long LastUsedWrittenTicks;
    }

    private readonly ConcurrentDictionary<string, Entry> _byLookup = new(StringComparer.Ordinal);

    public async ValueTask<ApiCaller?> AuthenticateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 512)
        {
            return null;
        }
        var lookup = ApiKey.LookupOf(token);
        var now = clock.GetUtcNow();
        if (!_byLookup.TryGetValue(lookup, out var entry) || now - entry.LoadedAt >= CacheFor)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Lookup == lookup, cancellationToken);
            if (key is null)
            {
                _byLookup.TryRemove(lookup, out _);
                return null;
            }
            entry = new Entry(key, now) { LastUsedWrittenTicks = key.LastUsedAt?.UtcTicks ?? 0 };
            _byLookup[lookup] = entry;
        }
        if (entry.Key.IsRevoked || !entry.Key.Matches(token))
        {
            return null;
        }
        TouchLastUsed(entry, now);
        return new ApiCaller(entry.Key.Id, entry.Key.TeamId, entry.Key.WorkloadIds);
    }

    public void Evict(string lookup) => _byLookup.TryRemove(lookup, out _);

    private void TouchLastUsed(Entry entry, DateTimeOffset now)
    {
        var last = Interlocked.Read(ref entry.LastUsedWrittenTicks);
        if (now.UtcTicks - last < LastUsedResolution.Ticks ||
            Interlocked.CompareExchange(ref entry.LastUsedWrittenTicks, now.UtcTicks, last) != last)
        {
            return;
        }
        var keyId = entry.Key.Id;
        _ = Task.Run(async () =>
        {
            try
            {
                await using var db = await factory.CreateDbContextAsync();
                await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now));
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not record the last use of API key {KeyId}", keyId);
            }
        });
    }
}
