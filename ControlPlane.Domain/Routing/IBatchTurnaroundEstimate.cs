using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Routing;

/// <summary>
/// How long a batch on a model is expected to take from receipt to result. Today it comes from configuration
/// (or the Simulator's turnaround); a measured estimate from completed batches can replace it without touching routing.
/// </summary>
public interface IBatchTurnaroundEstimate
{
    TimeSpan ExpectedTurnaround(ModelRef batchModel);
}
