using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Sla;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Domain.Rollups;

/// <summary>
/// Builds the roll-up rows of one hour from its finished requests. Pure: the job feeds it facts and replaces the
/// hour's rows with the result, so running it twice, or after a late event, gives the same rows.
/// </summary>
public sealed class RollupBuilder(IReadOnlyDictionary<Guid, ServiceLevel> slaByWorkload)
{
    private readonly Dictionary<(Guid, RequestMode, string), HourlyRollup> _rows = [];

    public IReadOnlyCollection<HourlyRollup> Rows => _rows.Values;

    public void Add(DateTimeOffset hourStart, RequestFact fact, FailoverFact? failovers)
    {
        var mode = fact.Mode ?? RequestMode.Realtime;
        var provider = fact.Provider ?? "none";
        if (!_rows.TryGetValue((fact.WorkloadId, mode, provider), out var row))
        {
            row = new HourlyRollup(hourStart, fact.WorkloadId, fact.TeamId, mode, provider);
            _rows[(fact.WorkloadId, mode, provider)] = row;
        }

        row.Requests++;
        switch (fact.Status)
        {
            case RequestStatus.Succeeded:
                row.Succeeded++;
                row.LatencyBuckets[LatencyHistogram.BucketOf((fact.CompletedAt - fact.ReceivedAt).TotalMilliseconds)]++;
                break;
            case RequestStatus.Expired:
                row.Expired++;
                break;
            case RequestStatus.Cancelled:
                row.Cancelled++;
                break;
            default:
                row.Failed++;
                break;
        }
        if (SlaRule.IsWithinSla(fact.Status, fact.Mode, fact.ReceivedAt, fact.CompletedAt, fact.Deadline, fact.PromotedAt,
                slaByWorkload.GetValueOrDefault(fact.WorkloadId)))
        {
            row.WithinSla++;
        }
        if (fact.PromotedAt is not null)
        {
            row.Promoted++;
        }
        row.InputTokens += fact.InputTokens;
        row.OutputTokens += fact.OutputTokens;
        row.Cost += fact.Cost;
        row.CounterfactualCost += fact.CounterfactualCost;
        row.DuplicateCost += fact.DuplicateCost;
        if (failovers is not null)
        {
            row.Failovers += failovers.Count;
            row.FailoverExtraCost += failovers.ExtraCost;
        }
    }
}
