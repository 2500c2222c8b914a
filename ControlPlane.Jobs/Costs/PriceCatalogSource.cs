using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Costs;

/// <summary>
/// The price catalogue for costing requests, read from the database at most once a minute: costing sits on every
/// request's path, and an edited price taking up to a minute to apply is acceptable.
/// </summary>
public sealed class PriceCatalogSource(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider clock)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (PriceCatalog Catalog, DateTimeOffset LoadedAt)? _current;

    public async ValueTask<PriceCatalog> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } c && clock.GetUtcNow() - c.LoadedAt < MaxAge)
        {
            return c.Catalog;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } again && clock.GetUtcNow() - again.LoadedAt < MaxAge)
            {
                return again.Catalog;
            }
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var catalog = new PriceCatalog(await db.Prices.AsNoTracking().ToListAsync(cancellationToken));
            _current = (catalog, clock.GetUtcNow());
            return catalog;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forget the cached catalogue, e.g. after an admin edited a price.</summary>
    public void Invalidate() => _current = null;
}
