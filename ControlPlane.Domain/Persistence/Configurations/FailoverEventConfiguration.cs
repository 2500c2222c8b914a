using ControlPlane.Domain.Failovers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class FailoverEventConfiguration : IEntityTypeConfiguration<FailoverEvent>
{
    public void Configure(EntityTypeBuilder<FailoverEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.FromProvider).HasMaxLength(32);
        builder.Property(e => e.FromModel).HasMaxLength(128);
        builder.Property(e => e.ToProvider).HasMaxLength(32);
        builder.Property(e => e.ToModel).HasMaxLength(128);
        builder.Property(e => e.Reason).HasMaxLength(1000);
        builder.HasIndex(e => e.Time);
        builder.HasIndex(e => e.RequestId);
    }
}
