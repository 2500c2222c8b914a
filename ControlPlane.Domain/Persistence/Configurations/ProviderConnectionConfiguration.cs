using ControlPlane.Domain.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class ProviderConnectionConfiguration : IEntityTypeConfiguration<ProviderConnection>
{
    public void Configure(EntityTypeBuilder<ProviderConnection> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Provider).HasMaxLength(32);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.HasIndex(c => new { c.Provider, c.Name }).IsUnique();
    }
}
