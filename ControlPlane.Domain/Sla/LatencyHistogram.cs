namespace ControlPlane.Domain.Sla;

/// <summary>
/// Latency counts in fixed, log-spaced buckets from 5 ms to 48 h. Fixed bounds make histograms addable, so
/// hourly roll-ups merge into days and months and percentiles still come out of the sum (within a bucket's
/// width, interpolated linearly). One shape covers real-time calls (ms) and batch turnaround (hours).
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bounds in milliseconds; the last bucket is open-ended.</summary>
    public static readonly IReadOnlyList<double> UpperBoundsMs =
    [
        5, 10, 25, 50, 100, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 30_000,
        60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 57_600_000,
        86_400_000, 172_800_000,
    ];

    public static int BucketCount => UpperBoundsMs.Count + 1;

    private readonly long[] _counts;

    public LatencyHistogram() => _counts = new long[BucketCount];

    private LatencyHistogram(long[] counts) => _counts = counts;

    public static LatencyHistogram FromCounts(IReadOnlyList<long> counts)
    {
        if (counts.Count != BucketCount)
        {
            throw new ArgumentException($"A histogram has {BucketCount} buckets, not {counts.Count}.", nameof(counts));
        }
        return new LatencyHistogram([.. counts]);
    }

    public IReadOnlyList<long> Counts => _counts;

    public long Total => _counts.Sum();

    public static int BucketOf(double latencyMs)
    {
        for (var i = 0; i < UpperBoundsMs.Count; i++)
        {
            if (latencyMs <= UpperBoundsMs[i])
            {
                return i;
            }
        }
        return UpperBoundsMs.Count;
    }

    public void Add(double latencyMs, long count = 1) => _counts[BucketOf(Math.Max(0, latencyMs))] += count;

    public LatencyHistogram Merge(LatencyHistogram other)
    {
        var merged = new long[BucketCount];
        for (var i = 0; i < BucketCount; i++)
        {
            merged[i] = _counts[i] + other._counts[i];
        }
        return new LatencyHistogram(merged);
    }

    /// <summary>The latency below which <paramref name="percentile"/> (0–100) of observations fall; null when empty.</summary>
    public double? Percentile(double percentile)
    {
        var total = Total;
        if (total == 0)
        {
            return null;
        }
        var rank = Math.Clamp(percentile, 0, 100) / 100.0 * total;
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            if (_counts[i] == 0)
            {
                continue;
            }
            if (seen + _counts[i] >= rank)
            {
                var lower = i == 0 ? 0 : UpperBoundsMs[i - 1];
                // The open bucket has no upper bound: report its lower bound rather than invent one.
                var upper = i < UpperBoundsMs.Count ? UpperBoundsMs[i] : lower;
                var within = (rank - seen) / _counts[i];
                return lower + (upper - lower) * within;
            }
            seen += _counts[i];
        }
        return UpperBoundsMs[^1];
    }
}
