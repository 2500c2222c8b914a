using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Web.Tests.Workloads;

/// <summary>The demo teams, workloads, prices and TCO settings in an in-memory database, on a day the prices are in force.</summary>
public static class DemoData
{
    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.Zero));

    public static async Task<InMemoryDatabase> SeededDatabaseAsync(TimeProvider clock, CancellationToken cancellationToken)
    {
        var database = new InMemoryDatabase();
        await new DemoSeeder(database, clock, NullLogger<DemoSeeder>.Instance).SeedAsync(cancellationToken);
        return database;
    }
}
