using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ControlPlane.Domain.Persistence.Configurations;

internal sealed class ControlPlaneUserConfiguration : IEntityTypeConfiguration<ControlPlaneUser>
{
    public void Configure(EntityTypeBuilder<ControlPlaneUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Ignore(u => u.IsDisabled);
        builder.Ignore(u => u.Name);
    }
}

internal sealed class UserTeamConfiguration : IEntityTypeConfiguration<UserTeam>
{
    public void Configure(EntityTypeBuilder<UserTeam> builder)
    {
        builder.ToTable("UserTeams");
        builder.HasKey(m => new { m.UserId, m.TeamId });
        builder.HasOne<ControlPlaneUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => m.TeamId);
    }
}

internal sealed class StoredSecretConfiguration : IEntityTypeConfiguration<StoredSecret>
{
    public void Configure(EntityTypeBuilder<StoredSecret> builder)
    {
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.ProtectedValue).HasMaxLength(4000);
    }
}
