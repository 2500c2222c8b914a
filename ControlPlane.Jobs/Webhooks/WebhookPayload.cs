using System.Text.Json;
using System.Text.Json.Serialization;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Jobs.Webhooks;

/// <summary>The JSON body of a completion webhook (snake_case, like the request API).</summary>
public sealed record WebhookPayload(
    Guid DeliveryId,
    Guid RequestId,
    string Workload,
    string Status,
    string? Mode,
    string? Provider,
    string? Model,
    string? Output,
    WebhookUsage Usage,
    decimal Cost,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? CompletedAt,
    string? ErrorClass,
    string? Error)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static WebhookPayload From(Guid deliveryId, InferenceRequest r, Workload w)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(w);
        return new(deliveryId, r.Id, w.Slug, r.Status.ToString().ToLowerInvariant(), r.Mode?.ToString().ToLowerInvariant(),
            r.Provider, r.Model, r.Output, new WebhookUsage(r.InputTokens, r.OutputTokens), r.Cost, r.ReceivedAt, r.CompletedAt,
            r.ErrorClass?.ToString(), r.Error);
    }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);
}

public sealed record WebhookUsage(int InputTokens, int OutputTokens);
