using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Requests;

namespace ControlPlane.Domain.Rollups;

/// <summary>The columns of a finished request that roll-ups need (read without tracking, in pages).</summary>
public sealed record RequestFact(
    Guid RequestId,
    Guid WorkloadId,
    Guid TeamId,
    RequestMode? Mode,
    string? Provider,
    RequestStatus Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset CompletedAt,
    DateTimeOffset? Deadline,
    DateTimeOffset? PromotedAt,
    int InputTokens,
    int OutputTokens,
    decimal Cost,
    decimal CounterfactualCost,
    decimal DuplicateCost);

/// <summary>Failover count and extra cost of one request.</summary>
public sealed record FailoverFact(Guid RequestId, int Count, decimal ExtraCost);
