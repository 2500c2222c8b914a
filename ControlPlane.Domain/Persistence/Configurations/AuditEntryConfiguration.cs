using ControlPlane.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Actor).HasMaxLength(200);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.EntityType).HasMaxLength(64);
        builder.Property(e => e.EntityId).HasMaxLength(200);
        builder.Property(e => e.Reason).HasMaxLength(2000);
        builder.Property(e => e.Changes)
            .HasConversion(ValueConversions.JsonReadOnlyList<FieldChange>(), ValueConversions.ReadOnlyListComparer<FieldChange>());
        builder.HasIndex(e => e.Time);
        builder.HasIndex(e => new { e.EntityType, e.EntityId });
    }
}
