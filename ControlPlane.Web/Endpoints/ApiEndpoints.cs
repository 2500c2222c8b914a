using ControlPlane.Web.Endpoints.OpenAi;
using ControlPlane.Web.Endpoints.Requests;

namespace ControlPlane.Web.Endpoints;

public static class ApiEndpoints
{
    /// <summary>Every public API route, the OpenAPI document at <c>/openapi/v1.json</c> and <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapControlPlaneApi(this WebApplication app)
    {
        app.MapRequestsEndpoints();
        app.MapChatCompletionsEndpoints();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
