namespace ControlPlane.Domain.Webhooks;

/// <summary>
/// The completion webhook of one terminal request: at most one per request (a unique index holds it), with every
/// attempt to POST it. Once delivered it is never sent again.
/// </summary>
public sealed class WebhookDelivery
{
    private WebhookDelivery() { }

    public WebhookDelivery(Guid requestId, Guid workloadId, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        RequestId = requestId;
        WorkloadId = workloadId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid WorkloadId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }
    public int AttemptCount { get; private set; }

    public bool IsDelivered => DeliveredAt is not null;

    /// <summary>Counts one POST; a 2xx answer marks the delivery delivered. The returned attempt is stored beside it.</summary>
    public WebhookAttempt Record(DateTimeOffset at, int? statusCode, TimeSpan duration, string? error)
    {
        if (IsDelivered)
        {
            throw new Common.DomainException("A delivered webhook is not sent again.");
        }
        AttemptCount++;
        var attempt = new WebhookAttempt(Id, AttemptCount, at, statusCode, (long)duration.TotalMilliseconds,
            error is { Length: > 1000 } ? error[..999] + "…" : error);
        if (attempt.Succeeded)
        {
            DeliveredAt = at;
        }
        return attempt;
    }
}

/// <summary>One POST of a completion webhook: when, what the receiver answered, or why it could not be reached.</summary>
public sealed record WebhookAttempt(Guid DeliveryId, int Number, DateTimeOffset At, int? StatusCode, long DurationMs, string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}
