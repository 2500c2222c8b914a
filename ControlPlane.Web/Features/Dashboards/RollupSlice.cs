using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Rollups;
using ControlPlane.Domain.Sla;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Dashboards;

/// <summary>One roll-up row with the names a person reads.</summary>
public sealed record RollupPoint(
    DateTimeOffset Hour, Guid WorkloadId, string Workload, string WorkloadSlug, string Team, RequestMode Mode, string Provider,
    HourlyRollup Row);

/// <summary>
/// The roll-ups of a period, loaded once per page and shaped in memory: a month of hourly rows for every
/// workload × mode × provider is a few thousand rows whatever the request volume.
/// </summary>
public sealed record RollupSlice(TimeRange Range, IReadOnlyList<RollupPoint> Points)
{
    public static async Task<RollupSlice> LoadAsync(IDbContextFactory<ControlPlaneDbContext> factory, TimeRange range, CancellationToken cancellationToken) =>
        (await LoadManyAsync(factory, [range], cancellationToken))[0];

    /// <summary>
    /// Several periods of one page (e.g. this month, the same days last month, the last 24 h) in one pass: rows of
    /// overlapping periods are read once, and names once, so a page pays for the hours it shows, not per KPI.
    /// </summary>
    public static async Task<IReadOnlyList<RollupSlice>> LoadManyAsync(IDbContextFactory<ControlPlaneDbContext> factory,
        IReadOnlyList<TimeRange> ranges, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var workloads = await db.Workloads.AsNoTracking().Select(w => new { w.Id, w.Name, w.Slug }).ToDictionaryAsync(w => w.Id, cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var points = new List<RollupPoint>();
        foreach (var (from, to) in Merge(ranges))
        {
            var rows = await db.HourlyRollups.AsNoTracking().Where(r => r.HourStart >= from && r.HourStart < to).ToListAsync(cancellationToken);
            points.AddRange(rows.Select(r =>
            {
                var workload = workloads.GetValueOrDefault(r.WorkloadId);
                return new RollupPoint(r.HourStart, r.WorkloadId, workload?.Name ?? "(deleted)", workload?.Slug ?? "",
                    teams.GetValueOrDefault(r.TeamId, "(no team)"), r.Mode, r.Provider, r);
            }));
        }
        return ranges.Select(range => new RollupSlice(range, points.Where(p => p.Hour >= range.From && p.Hour < range.To).ToList())).ToList();
    }

    /// <summary>The periods as disjoint intervals: overlapping or touching ones joined.</summary>
    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Merge(IEnumerable<TimeRange> ranges)
    {
        (DateTimeOffset From, DateTimeOffset To)? current = null;
        foreach (var range in ranges.Where(r => r.To > r.From).OrderBy(r => r.From))
        {
            if (current is { } c && range.From <= c.To)
            {
                current = (c.From, range.To > c.To ? range.To : c.To);
                continue;
            }
            if (current is { } done)
            {
                yield return done;
            }
            current = (range.From, range.To);
        }
        if (current is { } last)
        {
            yield return last;
        }
    }

    public decimal Spend => Points.Sum(p => p.Row.Cost + p.Row.DuplicateCost);

    public decimal Counterfactual => Points.Sum(p => p.Row.CounterfactualCost);

    /// <summary>Realised batch savings: what the same work would have cost in real time, less what it cost.</summary>
    public decimal Savings => Points.Sum(p => p.Row.CounterfactualCost - p.Row.Cost - p.Row.DuplicateCost);

    public long Requests => Points.Sum(p => p.Row.Requests);

    public long Failovers => Points.Sum(p => p.Row.Failovers);

    public decimal FailoverExtraCost => Points.Sum(p => p.Row.FailoverExtraCost);

    public SlaFigures Sla(decimal target) => new(Requests, Points.Sum(p => p.Row.Succeeded), Points.Sum(p => p.Row.WithinSla), target);

    public LatencyHistogram Latency() =>
        Points.Aggregate(new LatencyHistogram(), (h, p) => h.Merge(p.Row.Latency));

    public RollupSlice Where(Func<RollupPoint, bool> predicate) => this with { Points = Points.Where(predicate).ToList() };

    /// <summary>A value per chart point and per series key, zero where nothing happened.</summary>
    public IReadOnlyList<ChartSeries> Series(Func<RollupPoint, string> key, Func<HourlyRollup, decimal> value)
    {
        var buckets = Range.Buckets().ToList();
        return Points.GroupBy(key).OrderBy(g => g.Key).Select(g =>
        {
            var sums = g.GroupBy(p => Range.BucketOf(p.Hour)).ToDictionary(b => b.Key, b => b.Sum(p => value(p.Row)));
            return new ChartSeries(g.Key, buckets.Select(b => new ChartPoint(b.ToUnixTimeMilliseconds(), Math.Round(sums.GetValueOrDefault(b), 4))).ToList());
        }).ToList();
    }
}

public sealed record ChartPoint(long X, decimal Y);

public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Data);
