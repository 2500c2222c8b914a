using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;

namespace ControlPlane.Web.Endpoints.Requests;

public sealed record UsageView(int InputTokens, int OutputTokens);

/// <summary>US dollars: what the request cost, and what it would have cost in real time.</summary>
public sealed record CostView(decimal Actual, decimal RealtimeCounterfactual, string Currency = "USD");

public sealed record EventView(DateTimeOffset Time, string Type, string? Mode, string? Provider, string? Model, int Attempt,
    double? LatencyMs, string? ErrorClass, decimal Cost, string? Detail);

/// <summary>A request as the API shows it: status, mode and why, the answer when done, usage, cost, timestamps.</summary>
public sealed record RequestView(
    Guid Id,
    string Workload,
    string Status,
    string? Mode,
    string? RoutingReason,
    string? Provider,
    string? Model,
    string? Output,
    UsageView? Usage,
    CostView? Cost,
    double? LatencyMs,
    int Attempts,
    string? Error,
    DateTimeOffset ReceivedAt,
    DateTimeOffset StatusChangedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? Deadline,
    IReadOnlyList<EventView>? Events = null)
{
    public static RequestView From(InferenceRequest r, string workloadSlug, IReadOnlyList<TelemetryEvent>? events = null)
    {
        var done = r.Status == RequestStatus.Succeeded;
        return new(r.Id, workloadSlug, r.Status.ToString(), ModeText(r.Mode), r.RoutingReason, r.Provider, r.Model,
            done ? r.Output : null,
            done ? new UsageView(r.InputTokens, r.OutputTokens) : null,
            done ? new CostView(r.Cost, r.CounterfactualCost) : null,
            r.Turnaround?.TotalMilliseconds, r.Attempts, r.Error, r.ReceivedAt, r.StatusChangedAt, r.CompletedAt, r.Deadline,
            events?.Select(e => new EventView(e.Time, e.EventType.ToString(), ModeText(e.Mode), e.Provider, e.Model, e.Attempt,
                e.LatencyMs, e.ErrorClass?.ToString(), e.Cost, e.Detail)).ToList());
    }

    private static string? ModeText(Domain.Costs.RequestMode? mode) => mode?.ToString().ToLowerInvariant();
}
