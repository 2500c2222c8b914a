using System.Diagnostics;
using System.Globalization;
using ControlPlane.Dashboards.Benchmarks;

// Dashboards benchmark (issue 7, "Performance"): roll-up catch-up over N finished requests and the warm data
// queries of every dashboard. Usage: dotnet run -c Release --project tests/ControlPlane.Dashboards.Benchmarks
//   [--requests 1000000] [--runs 7] [--keep]
var options = BenchmarkOptions.Parse(args);
var path = Path.Combine(Path.GetTempPath(), $"controlplane-bench-{Guid.NewGuid():N}.db");
Console.WriteLine($"Database: {path}");
Console.WriteLine($"Requests: {options.Requests.ToString("N0", CultureInfo.InvariantCulture)} over 30 days, {options.Runs} warm runs per query");
try
{
    await using var database = await BenchmarkDatabase.CreateAsync(path, CancellationToken.None);
    var now = DateTimeOffset.UtcNow;

    var clock = Stopwatch.StartNew();
    var seeded = await TrafficWriter.WriteAsync(database, options.Requests, now, CancellationToken.None);
    Console.WriteLine($"Seeded {seeded.Requests:N0} requests, {seeded.Telemetry:N0} telemetry events, {seeded.Failovers:N0} failover events in {clock.Elapsed.TotalSeconds:0.0} s");

    var results = await DashboardMeasurements.RunAsync(database, now, options.Runs, CancellationToken.None);
    Console.WriteLine();
    Console.WriteLine(ResultTable.Render(results));
    Console.WriteLine($"Database size: {new FileInfo(path).Length / 1024.0 / 1024.0:0} MB");
    return results.All(r => r.MeetsTarget) ? 0 : 1;
}
finally
{
    if (!options.Keep)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
        {
            File.Delete(file);
        }
    }
}
