using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Requests;
using ControlPlane.Web.Endpoints.Auth;

namespace ControlPlane.Web.Endpoints.Requests;

/// <summary>The checks every entry point makes before a request is routed: workload exists, is active, the key may use it.</summary>
public static class RequestGate
{
    public static async Task<(Workload? Workload, IResult? Problem)> ResolveAsync(
        string slug, ApiCaller caller, WorkloadDirectory workloads, CancellationToken cancellationToken)
    {
        var workload = await workloads.FindAsync(slug, cancellationToken);
        // A key that may not see the workload's team learns nothing about it: same answer as an unknown slug.
        if (workload is null || !caller.AllowsTeam(workload.TeamId))
        {
            return (null, TypedResults.Problem(title: "Unknown workload",
                detail: $"No workload '{slug}' is visible to this API key. Workloads are listed on the /workloads page.",
                statusCode: StatusCodes.Status404NotFound));
        }
        if (workload.IsArchived)
        {
            // 409: the request is well-formed, but the workload's current state (archived) conflicts with taking work;
            // restoring the workload resolves it, which is what 409 says and 422 does not.
            return (null, TypedResults.Problem(title: "Workload archived",
                detail: $"Workload '{workload.Slug}' is archived and takes no requests. Restore it on the /workloads page first.",
                statusCode: StatusCodes.Status409Conflict));
        }
        if (!caller.AllowsWorkload(workload.TeamId, workload.Id))
        {
            return (null, TypedResults.Problem(title: "Key not allowed for this workload",
                detail: $"This API key is limited to other workloads of the team and may not send requests to '{workload.Slug}'.",
                statusCode: StatusCodes.Status403Forbidden));
        }
        return (workload, null);
    }
}
