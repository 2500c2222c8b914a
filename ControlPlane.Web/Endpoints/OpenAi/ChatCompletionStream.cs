using System.Text;
using System.Text.Json;
using ControlPlane.Domain.Requests;

namespace ControlPlane.Web.Endpoints.OpenAi;

/// <summary>
/// <c>stream: true</c> in the server-sent events format OpenAI clients read: a role chunk, the content, a chunk with the
/// finish reason, the usage chunk when <c>stream_options.include_usage</c> asks for it, then <c>[DONE]</c>. The answer
/// comes from the same real-time executor as every request (retries, failover, costing), which needs the provider's
/// whole answer first; so the content arrives as one chunk once the provider has answered, and time to first token is
/// the request's latency.
/// </summary>
public sealed class ChatCompletionStream(InferenceRequest done, string model, long created, bool includeUsage) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-ControlPlane-Request-Id"] = done.Id.ToString();
        var id = $"chatcmpl-{done.Id:N}";
        var usage = new ChatCompletionUsage(done.InputTokens, done.OutputTokens, done.InputTokens + done.OutputTokens);

        await WriteAsync(response, Chunk(id, new ChatCompletionDelta("assistant", ""), null));
        await WriteAsync(response, Chunk(id, new ChatCompletionDelta(null, done.Output ?? ""), null));
        await WriteAsync(response, Chunk(id, new ChatCompletionDelta(null, null), "stop"));
        if (includeUsage)
        {
            await WriteAsync(response, new ChatCompletionChunk(id, "chat.completion.chunk", created, model, [], usage));
        }
        await response.Body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), httpContext.RequestAborted);
        await response.Body.FlushAsync(httpContext.RequestAborted);
    }

    private ChatCompletionChunk Chunk(string id, ChatCompletionDelta delta, string? finishReason) =>
        new(id, "chat.completion.chunk", created, model, [new ChatCompletionChunkChoice(0, delta, finishReason)], null);

    private static async Task WriteAsync(HttpResponse response, ChatCompletionChunk chunk)
    {
        var line = $"data: {JsonSerializer.Serialize(chunk)}\n\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), response.HttpContext.RequestAborted);
        await response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }
}
