using ControlPlane.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Tests.Infrastructure;

/// <summary>A migrated in-memory SQLite database for component tests; lives as long as its connection.</summary>
public sealed class InMemoryDatabase : IDbContextFactory<ControlPlaneDbContext>, IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly DbContextOptions<ControlPlaneDbContext> _options;

    public InMemoryDatabase()
    {
        _connection.Open();
        _options = new DbContextOptionsBuilder<ControlPlaneDbContext>().UseSqlite(_connection).Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public ControlPlaneDbContext CreateDbContext() => new(_options);

    public void Dispose() => _connection.Dispose();
}
