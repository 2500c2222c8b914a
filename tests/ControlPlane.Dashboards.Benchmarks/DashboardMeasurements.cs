using System.Diagnostics;
using ControlPlane.Jobs.Rollups;
using ControlPlane.Web.Features.Costs;
using ControlPlane.Web.Features.Dashboards;
using ControlPlane.Web.Features.Failovers;
using ControlPlane.Web.Features.Overview;
using ControlPlane.Web.Features.Sla;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlPlane.Dashboards.Benchmarks;

/// <summary>One measured line: a single timed run (roll-up catch-up) or the warm runs of a dashboard query.</summary>
/// <remarks>
/// <see cref="Cpu"/> is this process's processor time per run: on a shared machine wall time includes waiting
/// for a core, processor time does not.
/// </remarks>
public sealed record Measurement(string Name, string Range, IReadOnlyList<TimeSpan> Runs, IReadOnlyList<TimeSpan> Cpu, TimeSpan Target)
{
    public TimeSpan CpuMedian => Cpu.Order().ElementAt(Cpu.Count / 2);

    public TimeSpan Median => Runs.Order().ElementAt(Runs.Count / 2);

    public TimeSpan Max => Runs.Max();

    public bool MeetsTarget => Max <= Target;
}

/// <summary>
/// Runs the real roll-up job over every seeded request, then each dashboard's data loading exactly as its page
/// calls it: <c>runs</c> unmeasured warm-up calls, then <c>runs</c> timed calls.
/// </summary>
public static class DashboardMeasurements
{
    private static readonly TimeSpan RollupTarget = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan QueryTarget = TimeSpan.FromMilliseconds(200);

    public static async Task<IReadOnlyList<Measurement>> RunAsync(BenchmarkDatabase database, DateTimeOffset now, int runs, CancellationToken cancellationToken)
    {
        var factory = database.Factory;
        var job = new HourlyRollupJob(factory, TimeProvider.System, NullLogger<HourlyRollupJob>.Instance);
        Console.Write("Roll-up catch-up … ");
        var catchUp = await TimeOnceAsync(() => job.RunAsync(cancellationToken));
        Console.WriteLine($"{catchUp.Wall.TotalSeconds:0.0} s");
        // The steady state: a run with nothing new to roll up (every hour it runs on a quiet system).
        var idle = await TimeOnceAsync(() => job.RunAsync(cancellationToken));

        var results = new List<Measurement>
        {
            new("Roll-up catch-up (HourlyRollupJob, first run)", "all", [catchUp.Wall], [catchUp.Cpu], RollupTarget),
            new("Roll-up, nothing new", "—", [idle.Wall], [idle.Cpu], RollupTarget),
        };
        results.Add(await TimeAsync("Overview counts (OverviewCounts)", "—", runs, () => OverviewCounts.LoadAsync(factory, cancellationToken)));
        foreach (var range in new[] { TimeRange.Last24Hours(now), TimeRange.Last7Days(now), TimeRange.Last30Days(now) })
        {
            Console.WriteLine($"Dashboards over {range.Label} …");
            results.Add(await TimeAsync("  of which the roll-up rows (RollupSlice)", range.Label, runs, () => RollupSlice.LoadAsync(factory, range, cancellationToken)));
            results.Add(await TimeAsync("Overview (OverviewView)", range.Label, runs, () => OverviewView.LoadAsync(factory, range, now, cancellationToken)));
            results.Add(await TimeAsync("SLA (RollupSlice + SlaRow)", range.Label, runs, async () =>
                await SlaRow.LoadAsync(factory, await RollupSlice.LoadAsync(factory, range, cancellationToken), cancellationToken)));
            results.Add(await TimeAsync("Failovers (FailoverLine, newest 500)", range.Label, runs, () => FailoverLine.LoadAsync(factory, range.From, range.To, 500, cancellationToken)));
            results.Add(await TimeAsync("Costs (CostView)", range.Label, runs, () => CostView.LoadAsync(factory, range, CostGroup.Mode, now, cancellationToken)));
        }
        return results;
    }

    private static async Task<Measurement> TimeAsync<T>(string name, string range, int runs, Func<Task<T>> load)
    {
        // Warm: as many unmeasured calls as measured ones, so the JIT has moved the hot paths past tier 0.
        for (var i = 0; i < runs; i++)
        {
            await load();
        }
        var times = new List<(TimeSpan Wall, TimeSpan Cpu)>(runs);
        for (var i = 0; i < runs; i++)
        {
            times.Add(await TimeOnceAsync(load));
        }
        return new Measurement(name, range, times.Select(t => t.Wall).ToList(), times.Select(t => t.Cpu).ToList(), QueryTarget);
    }

    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> TimeOnceAsync(Func<Task> run)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await run();
        var wall = watch.Elapsed;
        process.Refresh();
        return (wall, process.TotalProcessorTime - cpu);
    }
}
