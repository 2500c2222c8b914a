using ControlPlane.Domain.Batches;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class BatchJobConfiguration : IEntityTypeConfiguration<BatchJob>
{
    public void Configure(EntityTypeBuilder<BatchJob> builder)
    {
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Provider).HasMaxLength(32);
        builder.Property(b => b.Model).HasMaxLength(128);
        builder.Property(b => b.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(b => b.ProviderStatus).HasMaxLength(64);
        builder.Property(b => b.ProviderBatchId).HasMaxLength(200);
        builder.Ignore(b => b.ModelRef);
        builder.Ignore(b => b.IsTerminal);
        builder.HasIndex(b => new { b.Status, b.NextPollAt });
        builder.HasIndex(b => b.CreatedAt);
        builder.HasIndex(b => new { b.WorkloadId, b.Status });
        builder.Property<long>(ControlPlaneDbContext.VersionProperty).IsConcurrencyToken();
    }
}
