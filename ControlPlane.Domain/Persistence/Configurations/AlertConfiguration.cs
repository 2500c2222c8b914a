using ControlPlane.Domain.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Key).HasMaxLength(200);
        builder.Property(a => a.Kind).HasMaxLength(32);
        builder.Property(a => a.Severity).HasConversion<string>().HasMaxLength(10);
        builder.Property(a => a.Title).HasMaxLength(300);
        builder.Property(a => a.Detail).HasMaxLength(2000);
        builder.Property(a => a.Link).HasMaxLength(300);
        builder.Property(a => a.AcknowledgedBy).HasMaxLength(200);
        builder.Ignore(a => a.IsOpen);
        // At most one open alert per condition, whoever evaluates.
        builder.HasIndex(a => a.Key).IsUnique().HasFilter("ClearedAt IS NULL");
        builder.HasIndex(a => a.RaisedAt);
    }
}
