using ControlPlane.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Domain.Tests.Persistence;

/// <summary>An in-memory SQLite database that lives as long as its open connection, migrated like production.</summary>
public sealed class SqliteDatabase : IDbContextFactory<ControlPlaneDbContext>, IAsyncDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly DbContextOptions<ControlPlaneDbContext> _options;

    private SqliteDatabase()
    {
        _connection.Open();
        _options = new DbContextOptionsBuilder<ControlPlaneDbContext>().UseSqlite(_connection).Options;
    }

    public static async Task<SqliteDatabase> CreateAsync()
    {
        var database = new SqliteDatabase();
        await using var db = database.CreateDbContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
        return database;
    }

    public ControlPlaneDbContext CreateDbContext() => new(_options);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
