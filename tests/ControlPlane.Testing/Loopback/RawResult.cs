using Microsoft.AspNetCore.Http;

namespace ControlPlane.Testing.Loopback;

/// <summary>A fake's answer with an exact status, JSON body and optional "name=value" header.</summary>
public sealed class RawResult(int status, string body, string? header = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        if (header?.Split('=', 2) is [var name, var value])
        {
            httpContext.Response.Headers[name] = value;
        }
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json";
        await httpContext.Response.WriteAsync(body);
    }
}
