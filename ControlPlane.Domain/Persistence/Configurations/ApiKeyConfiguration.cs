using ControlPlane.Domain.ApiKeys;
using ControlPlane.Domain.Teams;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Name).HasMaxLength(200);
        builder.Property(k => k.Lookup).HasMaxLength(32);
        builder.HasIndex(k => k.Lookup).IsUnique();
        builder.Property(k => k.SecretHash).HasMaxLength(32);
        builder.HasOne<Team>().WithMany().HasForeignKey(k => k.TeamId).OnDelete(DeleteBehavior.Restrict);
        builder.Property<List<Guid>>("_workloadIds")
            .HasColumnName("WorkloadIds")
            .HasConversion(ValueConversions.JsonList<Guid>(), ValueConversions.ListComparer<Guid>());
        builder.Ignore(k => k.WorkloadIds);
        builder.Ignore(k => k.IsRevoked);
        builder.Ignore(k => k.IsAllTeams);
        builder.Ignore(k => k.DisplayPrefix);
    }
}
