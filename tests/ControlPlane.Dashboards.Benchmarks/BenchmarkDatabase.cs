using ControlPlane.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlPlane.Dashboards.Benchmarks;

/// <summary>A temporary SQLite file brought to the current schema by the real migrations, with the demo data.</summary>
public sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private BenchmarkDatabase(string connectionString, ServiceProvider services)
    {
        ConnectionString = connectionString;
        _services = services;
    }

    public string ConnectionString { get; }

    public IDbContextFactory<ControlPlaneDbContext> Factory => _services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();

    public static async Task<BenchmarkDatabase> CreateAsync(string path, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        var services = new ServiceCollection()
            .AddDbContextFactory<ControlPlaneDbContext>(db => db.UseSqlite(connectionString))
            .BuildServiceProvider();
        var database = new BenchmarkDatabase(connectionString, services);
        await new DatabaseInitializer(database.Factory, NullLogger<DatabaseInitializer>.Instance).InitializeAsync(cancellationToken);
        await new DemoSeeder(database.Factory, TimeProvider.System, NullLogger<DemoSeeder>.Instance).SeedAsync(cancellationToken);
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
