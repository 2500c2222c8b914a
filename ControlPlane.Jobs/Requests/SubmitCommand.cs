using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Realtime;

namespace ControlPlane.Jobs.Requests;

/// <summary>A validated request for a workload the caller may use. <paramref name="BodyHash"/> identifies the body for idempotency.</summary>
public sealed record SubmitCommand(
    Workload Workload,
    IReadOnlyList<ChatMessage> Messages,
    string InputJson,
    int? MaxOutputTokens,
    DateTimeOffset? Deadline,
    string? IdempotencyKey,
    string BodyHash,
    string? MetadataJson,
    bool CallerWaits = false);

/// <summary>What became of a submitted request.</summary>
public abstract record SubmitResult
{
    /// <summary>Served in real time.</summary>
    public sealed record Completed(InferenceRequest Request) : SubmitResult;

    /// <summary>Stored durably as queued for the batch path.</summary>
    public sealed record Queued(InferenceRequest Request) : SubmitResult;

    /// <summary>The same idempotency key and body were seen before: this is the original request, not a new one.</summary>
    public sealed record Replayed(InferenceRequest Request) : SubmitResult;

    /// <summary>The idempotency key was used before with a different body.</summary>
    public sealed record IdempotencyConflict(Guid ExistingRequestId) : SubmitResult;

    /// <summary>Every real-time candidate failed; the request is recorded as failed.</summary>
    public sealed record Unavailable(InferenceRequest Request, IReadOnlyList<TriedModel> Tried) : SubmitResult;

    /// <summary>The provider refused the request itself as invalid; the request is recorded as failed.</summary>
    public sealed record Rejected(InferenceRequest Request, string Error) : SubmitResult;
}
