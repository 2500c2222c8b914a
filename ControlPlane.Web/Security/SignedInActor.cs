using ControlPlane.Web.Features.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace ControlPlane.Web.Security;

/// <summary>
/// The audit log's "who": the signed-in user's email. In an HTTP request (an endpoint, the prerender) that is
/// HttpContext.User; inside an interactive circuit it is the circuit's authentication state, which the
/// server sets from the cookie when the circuit starts (so the task is already complete).
/// </summary>
public sealed class SignedInActor(IHttpContextAccessor http, AuthenticationStateProvider authentication) : ICurrentActor
{
    public const string System = "system";

    public string Name
    {
        get
        {
            if (http.HttpContext?.User is { Identity.IsAuthenticated: true } user)
            {
                return user.Identity.Name ?? System;
            }
            var state = TryCircuitState();
            return state?.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : System;
        }
    }

    private AuthenticationState? TryCircuitState()
    {
        try
        {
            var task = authentication.GetAuthenticationStateAsync();
            return task.IsCompletedSuccessfully ? task.Result : null;
        }
        catch (InvalidOperationException)
        {
            // Outside a circuit the server provider has no state yet: the caller is the system itself.
            return null;
        }
    }
}
