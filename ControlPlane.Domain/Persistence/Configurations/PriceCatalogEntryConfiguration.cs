using ControlPlane.Domain.Costs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class PriceCatalogEntryConfiguration : IEntityTypeConfiguration<PriceCatalogEntry>
{
    public void Configure(EntityTypeBuilder<PriceCatalogEntry> builder)
    {
        builder.ToTable("Prices");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Provider).HasMaxLength(32);
        builder.Property(p => p.Model).HasMaxLength(128);
        builder.HasIndex(p => new { p.Provider, p.Model, p.EffectiveFrom }).IsUnique();
        builder.Ignore(p => p.ModelRef);
    }
}
