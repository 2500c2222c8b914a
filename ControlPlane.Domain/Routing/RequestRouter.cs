using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Domain.Routing;

/// <summary>
/// DESIGN.md "Segments and routing": time-critical → real-time, batch-friendly → batch, hybrid → batch only when
/// the deadline leaves room for the expected batch turnaround plus a safety margin. Pure: no clock, no store.
/// </summary>
public static class RequestRouter
{
    /// <param name="requestDeadline">The caller's deadline, absolute; null when the request gave none.</param>
    /// <param name="expectedTurnaround">Expected batch turnaround on the workload's batch model.</param>
    /// <param name="safetyMargin">Room kept on top of the turnaround, so a late batch can still be promoted in time.</param>
    /// <param name="callerWaits">The caller holds the connection for the answer (a synchronous API): hybrid work runs in real time.</param>
    public static RoutingDecision Route(Workload workload, DateTimeOffset? requestDeadline, DateTimeOffset now,
        TimeSpan expectedTurnaround, TimeSpan safetyMargin, bool callerWaits = false)
    {
        ArgumentNullException.ThrowIfNull(workload);
        switch (workload.Segment)
        {
            case Segment.TimeCritical:
                return new(RequestMode.Realtime, workload.RealtimeModel,
                    "Time-critical workload: always served in real time.");
            case Segment.BatchFriendly:
                var batchModel = workload.BatchModel ?? workload.RealtimeModel;
                var note = requestDeadline is { } d && d - now < expectedTurnaround
                    ? $" The deadline ({Span(d - now)} away) is shorter than the expected turnaround of {Span(expectedTurnaround)}; the request will be promoted to real time if it comes at risk."
                    : "";
                return new(RequestMode.Batch, batchModel, "Batch-friendly workload: always sent to batch at the batch discount." + note);
            case Segment.Hybrid when callerWaits:
                return new(RequestMode.Realtime, workload.RealtimeModel,
                    "Hybrid workload called through a synchronous endpoint: the caller waits for the answer, so it runs in real time.");
            default:
                return RouteHybrid(workload, requestDeadline, now, expectedTurnaround, safetyMargin);
        }
    }

    private static RoutingDecision RouteHybrid(Workload workload, DateTimeOffset? requestDeadline, DateTimeOffset now,
        TimeSpan expectedTurnaround, TimeSpan safetyMargin)
    {
        if (workload.BatchModel is not { } batchModel)
        {
            return new(RequestMode.Realtime, workload.RealtimeModel,
                "Hybrid workload without a batch model: served in real time.");
        }

        var (deadline, source) = requestDeadline is { } given
            ? (given, "the request's deadline")
            : workload.Sla.DefaultDeadline is { } fallback
                ? (now + fallback, $"the workload's default deadline of {Span(fallback)}")
                : ((DateTimeOffset?)null, "");
        if (deadline is null)
        {
            return new(RequestMode.Batch, batchModel,
                "Hybrid workload, no deadline given and none by default: sent to batch at the batch discount.");
        }

        var needed = expectedTurnaround + safetyMargin;
        var room = deadline.Value - now;
        if (room <= TimeSpan.Zero)
        {
            return new(RequestMode.Realtime, workload.RealtimeModel,
                $"Hybrid workload: {source} has already passed ({Span(room)}), so it runs in real time at once.");
        }
        var arithmetic = $"{Span(room)} left by {source}; batch needs {Span(expectedTurnaround)} expected turnaround + {Span(safetyMargin)} safety margin = {Span(needed)}";
        return room >= needed
            ? new(RequestMode.Batch, batchModel, $"Hybrid workload: {arithmetic}, so it goes to batch at the discount.")
            : new(RequestMode.Realtime, workload.RealtimeModel, $"Hybrid workload: only {arithmetic}, so it runs in real time.");
    }

    /// <summary>A duration the way an operator reads it: "2 h 30 min", "45 s", "overdue by 5 min".</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            return "overdue by " + Span(span.Negate());
        }
        if (span.TotalMinutes < 1)
        {
            return $"{Math.Floor(span.TotalSeconds):0} s";
        }
        var parts = new List<string>();
        if (span.Days > 0) parts.Add($"{span.Days} d");
        if (span.Hours > 0) parts.Add($"{span.Hours} h");
        if (span.Minutes > 0) parts.Add($"{span.Minutes} min");
        if (span.Seconds > 0 && span.TotalHours < 1) parts.Add($"{span.Seconds} s");
        return string.Join(" ", parts);
    }
}
