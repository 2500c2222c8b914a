namespace ControlPlane.Domain.Workloads;

/// <summary>How a workload's requests are routed (DESIGN.md "Segments and routing").</summary>
public enum Segment
{
    /// <summary>Always real-time; held to a latency and availability target.</summary>
    TimeCritical,

    /// <summary>Always batch; held to a completion deadline.</summary>
    BatchFriendly,

    /// <summary>Decided per request from its deadline.</summary>
    Hybrid,
}

public enum Criticality { Low, Standard, High, SafetyCritical }

/// <summary>What happens to batch items that fail or expire.</summary>
public enum BatchFailurePolicy
{
    /// <summary>Queue them again for the next batch.</summary>
    Rebatch,

    /// <summary>Send them through the real-time path at real-time price.</summary>
    Promote,

    /// <summary>Mark them failed.</summary>
    Fail,
}

public static class SegmentText
{
    public static string Label(this Segment segment) => segment switch
    {
        Segment.TimeCritical => "Time-critical",
        Segment.BatchFriendly => "Batch-friendly",
        Segment.Hybrid => "Hybrid",
        _ => segment.ToString(),
    };
}
