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
        // The API description and the metrics (counts and latencies, no request content) are public like /healthz,
        // so clients can generate code and Prometheus can scrape without a browser session.
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
