using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Failovers;

public enum FailoverKind
{
    /// <summary>The real-time executor moved to the next model of the fallback chain.</summary>
    Fallback,

    /// <summary>Batch work was promoted to the real-time path.</summary>
    Promotion,
}

/// <summary>A switch to another provider, model or mode, with what it cost extra.</summary>
public sealed record FailoverEvent(
    Guid Id,
    DateTimeOffset Time,
    FailoverKind Kind,
    Guid WorkloadId,
    Guid? RequestId,
    Guid? BatchJobId,
    string FromProvider,
    string FromModel,
    string ToProvider,
    string ToModel,
    string Reason,
    decimal ExtraCost)
{
    public static FailoverEvent Create(DateTimeOffset time, FailoverKind kind, Guid workloadId, Guid? requestId,
        Guid? batchJobId, ModelRef from, ModelRef to, string reason, decimal extraCost) =>
        new(Guid.CreateVersion7(time), time, kind, workloadId, requestId, batchJobId,
            from.Provider, from.Model, to.Provider, to.Model, reason, extraCost);
}
