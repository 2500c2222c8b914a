using Microsoft.Net.Http.Headers;

namespace ControlPlane.Web.Endpoints.Auth;

/// <summary>Requires <c>Authorization: Bearer &lt;key&gt;</c> with a valid, unrevoked key; otherwise 401 problem details.</summary>
public sealed class ApiKeyFilter(ApiKeyAuthenticator authenticator) : IEndpointFilter
{
    private const string ItemKey = "ControlPlane.ApiCaller";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var caller = await authenticator.AuthenticateAsync(token, http.RequestAborted);
        if (caller is null)
        {
            http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            return TypedResults.Problem(
                title: "Unauthorized",
                detail: token is null
                    ? "Send an API key as 'Authorization: Bearer <key>'. Keys are created on the /keys page."
                    : "The API key is unknown, revoked or malformed.",
                statusCode: StatusCodes.Status401Unauthorized);
        }
        http.Items[ItemKey] = caller;
        return await next(context);
    }

    public static ApiCaller Caller(HttpContext http) =>
        http.Items[ItemKey] as ApiCaller ?? throw new InvalidOperationException("The endpoint is not behind ApiKeyFilter.");
}
