namespace ControlPlane.Web.Security;

/// <summary>
/// Response headers that make the browser refuse what the app never does: foreign scripts, framing, MIME
/// sniffing, leaking the full URL to other sites.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts only from this origin (Blazor, MudBlazor, apexcharts, Hangfire's bundle are all served locally).
    /// Inline styles are allowed: MudBlazor's theme provider and apexcharts write style attributes and blocks.
    /// ws:/wss: is the Blazor Server circuit. data: images are apexcharts' SVG exports and MudBlazor icons.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; " +
        "form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                return Task.CompletedTask;
            });
            return next(context);
        });
}
