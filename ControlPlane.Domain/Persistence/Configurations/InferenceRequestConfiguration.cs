using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Workloads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class InferenceRequestConfiguration : IEntityTypeConfiguration<InferenceRequest>
{
    public void Configure(EntityTypeBuilder<InferenceRequest> builder)
    {
        builder.ToTable("Requests");
        builder.HasKey(r => r.Id);
        builder.HasOne<Workload>().WithMany().HasForeignKey(r => r.WorkloadId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<BatchJob>().WithMany().HasForeignKey(r => r.BatchJobId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Mode).HasConversion<string>().HasMaxLength(10);
        builder.Property(r => r.ErrorClass).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Provider).HasMaxLength(32);
        builder.Property(r => r.Model).HasMaxLength(128);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(200);
        builder.Property(r => r.BodyHash).HasMaxLength(64);
        builder.Property(r => r.RoutingReason).HasMaxLength(1000);
        builder.Ignore(r => r.Turnaround);
        builder.Ignore(r => r.IsTerminal);
        // One request per (team, idempotency key): the database, not a race, decides duplicates.
        builder.HasIndex(r => new { r.TeamId, r.IdempotencyKey }).IsUnique().HasFilter("IdempotencyKey IS NOT NULL");
        builder.HasIndex(r => new { r.Status, r.Provider, r.Model });
        builder.HasIndex(r => r.BatchJobId);
        builder.HasIndex(r => new { r.WorkloadId, r.ReceivedAt });
        builder.HasIndex(r => r.ReceivedAt);
        builder.HasIndex(r => r.CompletedAt);
        builder.Property<long>(ControlPlaneDbContext.VersionProperty).IsConcurrencyToken();
    }
}
