using ControlPlane.Domain.Costs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class TcoSettingsConfiguration : IEntityTypeConfiguration<TcoSettings>
{
    public void Configure(EntityTypeBuilder<TcoSettings> builder)
    {
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
    }
}
