using System.Diagnostics;

namespace ControlPlane.Benchmarks;

/// <summary>
/// Batch engine figures for the README: assemble + submit N queued requests to the Simulator, then ingest the N-line
/// result file. Peak managed heap is sampled during ingestion to show it does not grow with the file.
/// </summary>
internal static class BatchBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : [10_000, 50_000];
        Console.WriteLine($"{"requests",10} {"assemble",9} {"assemble+submit",16} {"read only",10} {"ingest",10} {"cpu (ingest)",13} {"peak heap (ingest)",20} {"allocated (ingest)",20}");
        foreach (var size in sizes)
        {
            await using var bench = await BatchBench.CreateAsync();
            await bench.QueueAsync(size);

            var watch = Stopwatch.StartNew();
            var (jobId, assembly) = await bench.AssembleAndSubmitAsync();
            var submit = watch.Elapsed;

            await bench.DrainTelemetryAsync();
            await bench.WaitForProviderAsync(jobId);
            var readOnly = await bench.ReadResultsOnlyAsync(jobId);
            GC.Collect();
            var (ingest, cpu, summary, peak, allocated) = await bench.IngestAsync(jobId);
            if (summary.Succeeded + summary.Failed + summary.Rebatched != size)
            {
                throw new InvalidOperationException($"Ingestion settled {summary.Succeeded + summary.Failed + summary.Rebatched} of {size} requests.");
            }
            Console.WriteLine($"{size,10:N0} {assembly.TotalSeconds,8:0.00}s {submit.TotalSeconds,15:0.00}s {readOnly.TotalSeconds,9:0.00}s " +
                $"{ingest.TotalSeconds,9:0.00}s {cpu.TotalSeconds,12:0.00}s {peak / 1048576.0,17:0.0} MB {allocated / 1048576.0,17:0.0} MB");
        }
    }
}
