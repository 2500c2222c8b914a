using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Routing;
using ControlPlane.Jobs.Providers.Simulator;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Routing;

/// <summary>
/// The turnaround routing assumes: the Simulator's configured turnaround when the batch model is simulated,
/// else <see cref="RoutingOptions.ExpectedBatchTurnaround"/>. A measured estimate can later decorate or replace this.
/// </summary>
public sealed class ConfiguredBatchTurnaround(
    IProviderRegistry providers,
    IOptions<RoutingOptions> routing,
    IOptions<SimulatorOptions> simulator) : IBatchTurnaroundEstimate
{
    public TimeSpan ExpectedTurnaround(ModelRef batchModel)
    {
        try
        {
            return providers.Get(batchModel.Provider).IsSimulated
                ? simulator.Value.BatchTurnaround
                : routing.Value.ExpectedBatchTurnaround;
        }
        catch (Domain.Common.DomainException)
        {
            // No usable provider: routing still needs a figure; the dispatch will report the real problem.
            return routing.Value.ExpectedBatchTurnaround;
        }
    }
}
