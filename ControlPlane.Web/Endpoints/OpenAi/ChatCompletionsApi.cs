using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Requests;
using ControlPlane.Web.Endpoints.Auth;
using ControlPlane.Web.Endpoints.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Endpoints.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: an existing OpenAI client switches to ControlPlane by base URL. The key selects the
/// team; <c>model</c> (or the <c>X-ControlPlane-Workload</c> header) names the workload. The caller waits, so hybrid work
/// runs in real time; batch-friendly workloads are refused here (they answer later, through /api/v1/requests).
/// <c>stream: true</c> is answered as server-sent events (<see cref="ChatCompletionStream"/>); errors before the answer
/// keep their status code and JSON body, as OpenAI's do.
/// </summary>
public static class ChatCompletionsApi
{
    public const string WorkloadHeader = "X-ControlPlane-Workload";

    public static IEndpointRouteBuilder MapChatCompletionsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", CompleteAsync)
            .WithTags("OpenAI-compatible")
            .WithName("ChatCompletions")
            .WithSummary("OpenAI-compatible chat completion; model = workload slug; stream: true answers as server-sent events.")
            .AddEndpointFilter<ApiKeyFilter>()
            .AllowAnonymous() // the API key, not the sign-in cookie, guards it
            .Accepts<ChatCompletionRequest>("application/json")
            .Produces<ChatCompletionResponse>()
            .Produces<OpenAiError>(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, RequestService requests, WorkloadDirectory workloads,
        IOptions<ApiOptions> api, TimeProvider clock, [FromHeader(Name = WorkloadHeader)] string? workloadHeader, CancellationToken cancellationToken)
    {
        var read = await BodyReader.ReadAsync<ChatCompletionRequest>(http.Request, api.Value.MaxRequestBytes, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }
        var body = read.Body!;
        var slug = string.IsNullOrWhiteSpace(workloadHeader) ? body.Model : workloadHeader;
        if (string.IsNullOrWhiteSpace(slug))
        {
            return Error(400, $"Name the workload in 'model' or the {WorkloadHeader} header.", "model", "missing_required_parameter");
        }
        var messages = Messages(body.Messages);
        if (messages is null)
        {
            return Error(400, "'messages' must be a non-empty list of {role: system|user|assistant, content: text}.", "messages", "invalid_value");
        }
        var (workload, problem) = await RequestGate.ResolveAsync(slug.Trim(), ApiKeyFilter.Caller(http), workloads, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (workload!.Segment == Segment.BatchFriendly)
        {
            return Error(400, $"Workload '{workload.Slug}' is batch-friendly and answers later: submit it to /api/v1/requests.", "model", "batch_workload");
        }

        var input = JsonSerializer.Serialize(new { messages = messages.Select(m => new { role = m.Role.ToString().ToLowerInvariant(), content = m.Content }) }, JsonSerializerOptions.Web);
        var metadata = body.Metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : null;
        var result = await requests.SubmitAsync(new SubmitCommand(workload, messages, input, body.MaxCompletionTokens ?? body.MaxTokens,
            null, null, BodyReader.Hash(read.Raw), metadata, CallerWaits: true), cancellationToken);
        if (result is not SubmitResult.Completed { Request: var done })
        {
            return result is SubmitResult.Unavailable down
                ? Error(503, $"Every real-time model is unavailable: {string.Join("; ", down.Tried.Select(t => $"{t.Model}: {t.Outcome}"))}.", null, "unavailable")
                : RequestsApi.ToHttp(result, workload.Slug, http);
        }
        if (body.Stream == true)
        {
            return new ChatCompletionStream(done, workload.Slug, clock.GetUtcNow().ToUnixTimeSeconds(), body.StreamOptions?.IncludeUsage == true);
        }
        http.Response.Headers["X-ControlPlane-Request-Id"] = done.Id.ToString();
        return TypedResults.Ok(new ChatCompletionResponse($"chatcmpl-{done.Id:N}", "chat.completion", clock.GetUtcNow().ToUnixTimeSeconds(),
            workload.Slug, [new ChatCompletionChoice(0, new ChatCompletionAnswer("assistant", done.Output ?? ""), "stop")],
            new ChatCompletionUsage(done.InputTokens, done.OutputTokens, done.InputTokens + done.OutputTokens)));
    }

    private static List<ChatMessage>? Messages(IReadOnlyList<ChatCompletionMessage>? messages)
    {
        if (messages is not { Count: > 0 })
        {
            return null;
        }
        var list = new List<ChatMessage>();
        foreach (var m in messages)
        {
            ChatRole? role = m.Role?.ToLowerInvariant() switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => null,
            };
            var text = m.Content.ValueKind switch
            {
                JsonValueKind.String => m.Content.GetString(),
                JsonValueKind.Array => string.Concat(m.Content.EnumerateArray()
                    .Where(p => p.TryGetProperty("type", out var t) && t.GetString() == "text" && p.TryGetProperty("text", out _))
                    .Select(p => p.GetProperty("text").GetString())),
                _ => null,
            };
            if (role is null || string.IsNullOrEmpty(text))
            {
                return null;
            }
            list.Add(new ChatMessage(role.Value, text));
        }
        return list;
    }

    private static IResult Error(int status, string message, string? param, string? code) =>
        TypedResults.Json(new OpenAiError(new OpenAiErrorBody(message, status >= 500 ? "server_error" : "invalid_request_error", param, code)),
            statusCode: status);
}
