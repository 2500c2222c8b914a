using ControlPlane.Domain.Users;
using Microsoft.AspNetCore.Authorization;

namespace ControlPlane.Web.Security;

/// <summary>
/// Who may see and do what: the ONE place that maps roles to permissions. Pages use
/// <c>@attribute [Authorize(Policy = Policies.CanX)]</c>, endpoints <c>.RequireAuthorization(Policies.CanX)</c>,
/// the navigation <c>&lt;AuthorizeView Policy="@Policies.CanX"&gt;</c>. Anything without a policy still requires
/// a signed-in user (the fallback policy); only what is marked <c>[AllowAnonymous]</c> is public.
/// </summary>
public static class Policies
{
    /// <summary>Users, roles, provider credentials, API keys, prices, TCO settings (/users, /providers, /keys, /settings).</summary>
    public const string CanAdminister = nameof(CanAdminister);

    /// <summary>Create and change workloads (a tech lead: only those of their teams — checked by <see cref="TeamAccess"/>).</summary>
    public const string CanEditWorkloads = nameof(CanEditWorkloads);

    /// <summary>Act on batch jobs (promote, cancel, retry) and failovers.</summary>
    public const string CanOperateBatches = nameof(CanOperateBatches);

    /// <summary>Read the operational pages: requests, batches, failovers.</summary>
    public const string CanViewOperations = nameof(CanViewOperations);

    /// <summary>Read spend, savings and TCO (/costs).</summary>
    public const string CanViewCosts = nameof(CanViewCosts);

    /// <summary>Read everything, including the audit log (/audit).</summary>
    public const string CanViewAll = nameof(CanViewAll);

    /// <summary>The Hangfire dashboard (/hangfire).</summary>
    public const string CanUseJobDashboard = nameof(CanUseJobDashboard);

    /// <summary>The roles each policy admits. Admin is in every row: an admin may do everything.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Grants = new Dictionary<string, string[]>
    {
        [CanAdminister] = [Roles.Admin],
        [CanEditWorkloads] = [Roles.Admin, Roles.TechLead],
        [CanOperateBatches] = [Roles.Admin, Roles.Operator],
        [CanViewOperations] = [Roles.Admin, Roles.Operator, Roles.Manager],
        [CanViewCosts] = [Roles.Admin, Roles.Manager],
        [CanViewAll] = [Roles.Admin, Roles.Manager],
        [CanUseJobDashboard] = [Roles.Admin, Roles.Operator],
    };

    public static AuthorizationBuilder AddControlPlanePolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (policy, roles) in Grants)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }
        // Secure by default: an endpoint or page that forgot its attribute is still closed to anonymous visitors.
        return authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }
}
