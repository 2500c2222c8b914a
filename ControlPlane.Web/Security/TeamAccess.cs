using System.Security.Claims;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Security;

/// <summary>
/// The row-level half of <see cref="Policies.CanEditWorkloads"/>: an admin edits any workload, a tech lead only
/// those of the teams they belong to (the UserTeams link table), nobody else any.
/// </summary>
public sealed class TeamAccess(IDbContextFactory<ControlPlaneDbContext> factory)
{
    public async Task<bool> CanEditTeamAsync(ClaimsPrincipal user, Guid teamId, CancellationToken cancellationToken)
    {
        if (user.IsInRole(Roles.Admin))
        {
            return true;
        }
        if (!user.IsInRole(Roles.TechLead) || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            return false;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.UserTeams.AnyAsync(m => m.UserId == userId && m.TeamId == teamId, cancellationToken);
    }
}
