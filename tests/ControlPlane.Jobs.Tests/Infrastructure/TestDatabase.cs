using ControlPlane.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Jobs.Tests.Infrastructure;

/// <summary>
/// A migrated SQLite database shared through one open in-memory connection name, so every context a job creates
/// (jobs open several) sees the same data, as with the file database in production.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<ControlPlaneDbContext>, IDisposable
{
    private readonly SqliteConnection _keepAlive;
    private readonly DbContextOptions<ControlPlaneDbContext> _options;

    public TestDatabase()
    {
        var connectionString = $"Data Source=file:jobs-{Guid.NewGuid():N}?mode=memory&cache=shared";
        _keepAlive = new SqliteConnection(connectionString);
        _keepAlive.Open();
        _options = new DbContextOptionsBuilder<ControlPlaneDbContext>().UseSqlite(connectionString).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public ControlPlaneDbContext CreateDbContext() => new(_options);

    public void Dispose() => _keepAlive.Dispose();
}
