using ControlPlane.Domain.Users;
using Hangfire.Dashboard;

namespace ControlPlane.Web.Security;

/// <summary>
/// The Hangfire dashboard's own gate, replacing its local-requests-only default: the cookie user must hold a
/// role that <see cref="Policies.CanUseJobDashboard"/> admits. The endpoint also carries that policy, so a
/// signed-in user without the role gets the forbidden page; this filter is the second lock on the same door.
/// </summary>
public sealed class JobDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return user.Identity?.IsAuthenticated == true
            && Policies.Grants[Policies.CanUseJobDashboard].Any(user.IsInRole);
    }
}
