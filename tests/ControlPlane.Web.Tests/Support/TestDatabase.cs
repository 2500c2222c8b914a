using ControlPlane.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlPlane.Web.Tests.Support;

/// <summary>
/// A SQLite in-memory database that lives as long as its open connection, migrated like production and
/// optionally seeded with the demo data, behind the IDbContextFactory the app's components and services use.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<ControlPlaneDbContext>, IAsyncDisposable
{
    private readonly SqliteConnection _connection = new("DataSource=:memory:");
    private readonly DbContextOptions<ControlPlaneDbContext> _options;

    private TestDatabase() => _options = new DbContextOptionsBuilder<ControlPlaneDbContext>().UseSqlite(_connection).Options;

    public static async Task<TestDatabase> CreateAsync(TimeProvider clock, bool seedDemo, CancellationToken cancellationToken)
    {
        var database = new TestDatabase();
        await database._connection.OpenAsync(cancellationToken);
        await using (var db = database.CreateDbContext())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        if (seedDemo)
        {
            await new DemoSeeder(database, clock, NullLogger<DemoSeeder>.Instance).SeedAsync(cancellationToken);
        }
        return database;
    }

    public ControlPlaneDbContext CreateDbContext() => new(_options);

    /// <summary>Runs raw SQL on the shared connection, e.g. a trigger that makes one table refuse writes.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
