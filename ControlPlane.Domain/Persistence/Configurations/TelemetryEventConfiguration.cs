using ControlPlane.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class TelemetryEventConfiguration : IEntityTypeConfiguration<TelemetryEvent>
{
    public void Configure(EntityTypeBuilder<TelemetryEvent> builder)
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.EventType).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Mode).HasConversion<string>().HasMaxLength(10);
        builder.Property(e => e.ErrorClass).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Provider).HasMaxLength(32);
        builder.Property(e => e.Model).HasMaxLength(128);
        builder.Property(e => e.Detail).HasMaxLength(1000);
        builder.HasIndex(e => new { e.RequestId, e.Time });
        builder.HasIndex(e => e.Time);
    }
}
