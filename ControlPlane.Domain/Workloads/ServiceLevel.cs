namespace ControlPlane.Domain.Workloads;

/// <summary>
/// The SLA a workload is held to. Real-time work: p95 latency target and availability target.
/// Batch work: a completion deadline after receipt. Hybrid: a default deadline for requests that give none.
/// </summary>
public sealed record ServiceLevel(
    int? LatencyTargetP95Ms,
    decimal? AvailabilityTargetPercent,
    TimeSpan? CompletionDeadline,
    TimeSpan? DefaultDeadline)
{
    public static ServiceLevel Realtime(int latencyP95Ms, decimal availabilityPercent) =>
        new(latencyP95Ms, availabilityPercent, null, null);

    public static ServiceLevel Batch(TimeSpan completionDeadline) => new(null, null, completionDeadline, null);

    public string Summary(Segment segment) => segment switch
    {
        Segment.TimeCritical => $"p95 ≤ {LatencyTargetP95Ms:N0} ms · {AvailabilityTargetPercent:0.###} %",
        Segment.BatchFriendly => $"done within {FormatSpan(CompletionDeadline)}",
        _ => $"p95 ≤ {LatencyTargetP95Ms:N0} ms · default deadline {FormatSpan(DefaultDeadline)}",
    };

    public static string FormatSpan(TimeSpan? span) => span switch
    {
        null => "—",
        { } s when s.TotalHours >= 1 && s.TotalHours % 1 == 0 => $"{s.TotalHours:0} h",
        { } s when s.TotalHours >= 1 => $"{s.TotalHours:0.#} h",
        { } s => $"{s.TotalMinutes:0} min",
    };
}
