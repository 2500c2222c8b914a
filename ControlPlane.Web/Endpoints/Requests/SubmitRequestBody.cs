using System.Text.Json;

namespace ControlPlane.Web.Endpoints.Requests;

/// <summary>The body of <c>POST /api/v1/requests</c>.</summary>
/// <param name="Deadline">An absolute timestamp (ISO 8601 with offset) or a duration from receipt (ISO 8601, e.g. <c>PT2H</c>).</param>
public sealed record SubmitRequestBody(
    string? Workload,
    RequestInput? Input,
    int? MaxOutputTokens,
    string? Deadline,
    string? IdempotencyKey,
    JsonElement? Metadata);

/// <summary>Either a chat (<paramref name="Messages"/>) or a single <paramref name="Prompt"/>.</summary>
public sealed record RequestInput(IReadOnlyList<RequestMessage>? Messages, string? Prompt);

/// <param name="Role">system, user or assistant.</param>
public sealed record RequestMessage(string? Role, string? Content);
