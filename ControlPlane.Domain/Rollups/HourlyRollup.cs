using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Sla;

namespace ControlPlane.Domain.Rollups;

/// <summary>
/// One hour of one workload × mode × provider: what dashboards read instead of raw requests. Requests are
/// counted in the hour they reached a terminal state; the row is rebuilt whole whenever that hour changes.
/// </summary>
public sealed class HourlyRollup
{
    private HourlyRollup() { }

    public HourlyRollup(DateTimeOffset hourStart, Guid workloadId, Guid teamId, RequestMode mode, string provider)
    {
        HourStart = hourStart;
        WorkloadId = workloadId;
        TeamId = teamId;
        Mode = mode;
        Provider = provider;
    }

    public long Id { get; private set; }
    public DateTimeOffset HourStart { get; private set; }
    public Guid WorkloadId { get; private set; }
    public Guid TeamId { get; private set; }
    public RequestMode Mode { get; private set; }
    public string Provider { get; private set; } = "";

    /// <summary>Requests that reached a terminal state in this hour.</summary>
    public long Requests { get; set; }

    public long Succeeded { get; set; }
    public long Failed { get; set; }
    public long Expired { get; set; }
    public long Cancelled { get; set; }
    public long WithinSla { get; set; }
    public long Promoted { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public decimal Cost { get; set; }
    public decimal CounterfactualCost { get; set; }
    public decimal DuplicateCost { get; set; }
    public long Failovers { get; set; }
    public decimal FailoverExtraCost { get; set; }

    /// <summary>Receipt → result latency of succeeded requests, in <see cref="LatencyHistogram"/> buckets.</summary>
    public long[] LatencyBuckets { get; set; } = new long[LatencyHistogram.BucketCount];

    public LatencyHistogram Latency => LatencyHistogram.FromCounts(LatencyBuckets);

    public static DateTimeOffset HourOf(DateTimeOffset time) =>
        new(time.UtcDateTime.Year, time.UtcDateTime.Month, time.UtcDateTime.Day, time.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
}
