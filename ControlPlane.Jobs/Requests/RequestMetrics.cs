using System.Diagnostics;
using System.Diagnostics.Metrics;
using ControlPlane.Domain.Requests;

namespace ControlPlane.Jobs.Requests;

/// <summary>The request path's own metrics (exported at <c>/metrics</c>): counts, latency by mode/provider, failovers.</summary>
public sealed class RequestMetrics
{
    public const string MeterName = "ControlPlane.Requests";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _failovers;

    public RequestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("controlplane.requests", "{request}", "Requests by mode, provider and resulting status.");
        _latency = meter.CreateHistogram<double>("controlplane.request.duration", "s", "Receipt to answer (real time) or to durable queueing (batch).");
        _failovers = meter.CreateCounter<long>("controlplane.failovers", "{failover}", "Switches to another model of the fallback chain.");
    }

    public void Record(InferenceRequest request, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "mode", request.Mode?.ToString().ToLowerInvariant() ?? "none" },
            { "provider", request.Provider ?? "none" },
            { "status", request.Status.ToString().ToLowerInvariant() },
        };
        _requests.Add(1, tags);
        _latency.Record(duration.TotalSeconds, tags);
    }

    public void Failover(string fromProvider, string toProvider) =>
        _failovers.Add(1, new TagList { { "from_provider", fromProvider }, { "to_provider", toProvider } });
}
