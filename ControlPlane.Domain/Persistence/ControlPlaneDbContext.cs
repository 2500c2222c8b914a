using ControlPlane.Domain.Webhooks;
using ControlPlane.Domain.Alerts;
using ControlPlane.Domain.ApiKeys;
using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Rollups;
using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Users;
using ControlPlane.Domain.Workloads;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ControlPlane.Domain.Persistence;

/// <summary>The one database: the control plane's tables and ASP.NET Core Identity's (users, roles, logins).</summary>
public sealed class ControlPlaneDbContext(DbContextOptions<ControlPlaneDbContext> options)
    : IdentityDbContext<ControlPlaneUser, IdentityRole, string>(options)
{
    /// <summary>Shadow concurrency token on rows that several actors change (jobs, operators, the API).</summary>
    public const string VersionProperty = "Version";

    /// <summary>The shadow concurrency token's name, for writers that attach detached rows.</summary>
    public const string VersionPropertyName = VersionProperty;

    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Workload> Workloads => Set<Workload>();
    public DbSet<ProviderConnection> ProviderConnections => Set<ProviderConnection>();
    public DbSet<PriceCatalogEntry> Prices => Set<PriceCatalogEntry>();
    public DbSet<TcoSettings> TcoSettings => Set<TcoSettings>();
    public DbSet<InferenceRequest> Requests => Set<InferenceRequest>();
    public DbSet<BatchJob> BatchJobs => Set<BatchJob>();
    public DbSet<TelemetryEvent> TelemetryEvents => Set<TelemetryEvent>();
    public DbSet<FailoverEvent> FailoverEvents => Set<FailoverEvent>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<HourlyRollup> HourlyRollups => Set<HourlyRollup>();
    public DbSet<RollupState> RollupStates => Set<RollupState>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<UserTeam> UserTeams => Set<UserTeam>();
    public DbSet<StoredSecret> StoredSecrets => Set<StoredSecret>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder); // Identity's tables and keys first; ours may refine them.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ControlPlaneDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no native DateTimeOffset, decimal or TimeSpan: store them as numbers so that
        // comparisons, ORDER BY and SUM run in the database. All times are UTC (TimeProvider.GetUtcNow),
        // so the binary form of DateTimeOffset sorts in time order.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<decimal>().HaveConversion<double>();
        configurationBuilder.Properties<decimal?>().HaveConversion<double?>();
        configurationBuilder.Properties<TimeSpan>().HaveConversion<long>();
        configurationBuilder.Properties<TimeSpan?>().HaveConversion<long?>();
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Modified && entry.Metadata.FindProperty(VersionProperty) is not null)
            {
                var version = entry.Property(VersionProperty);
                version.CurrentValue = (long)version.OriginalValue! + 1;
            }
        }
    }
}
