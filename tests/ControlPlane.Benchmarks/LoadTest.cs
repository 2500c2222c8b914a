using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ControlPlane.Benchmarks;

// Load test of the request path over loopback HTTP against the real app (its Release build, in a process of its own)
// on Kestrel, with the Simulator at zero latency and zero errors, so what is measured is ControlPlane's own overhead:
// auth, validation, routing, costing and the durable write of each request with its timeline.
//   1. Real-time overhead: open-loop 500 requests/s to a time-critical workload; client-side p50/p99.
//   2. Durable batch intake: closed-loop concurrent clients to a batch-friendly workload; accepted (202) per second.
internal static class LoadTest
{
    public static async Task Main(string[] args)
    {
        if (args is ["batch", .. var sizes])
        {
            await ControlPlane.Benchmarks.BatchBenchmark.RunAsync(sizes);
            return;
        }
        var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var rate = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500;
        const string Key = "benchmark-bootstrap-key-0123456789";

        await using var app = await AppProcess.StartAsync(Key);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = app.BaseAddress,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        Console.WriteLine($"ControlPlane (Release, own process) at {app.BaseAddress}; {Environment.ProcessorCount} cores; {seconds} s per phase");

        // Warm-up: JIT, connection pool, caches.
        await ClosedLoopAsync(http, "customer-chatbot", 16, TimeSpan.FromSeconds(3));
        await ClosedLoopAsync(http, "document-processing", 16, TimeSpan.FromSeconds(2));

        var cpu = app.ProcessorTime;
        var latencies = await OpenLoopAsync(http, "customer-chatbot", rate, TimeSpan.FromSeconds(seconds));
        var realtimeCpu = app.ProcessorTime - cpu;
        latencies.Sort();
        Console.WriteLine($"Real-time at {rate} req/s: {latencies.Count} requests, p50 {P(latencies, 0.50):0.00} ms, p90 {P(latencies, 0.90):0.00} ms, " +
                          $"p99 {P(latencies, 0.99):0.00} ms, max {latencies[^1]:0.00} ms; app CPU {realtimeCpu.TotalMilliseconds * 1000 / latencies.Count:0} µs per request");

        cpu = app.ProcessorTime;
        var (accepted, elapsed) = await ClosedLoopAsync(http, "document-processing", 64, TimeSpan.FromSeconds(seconds));
        var intakeCpu = app.ProcessorTime - cpu;
        Console.WriteLine($"Batch intake: {accepted} accepted (202, stored Queued) in {elapsed.TotalSeconds:0.0} s = {accepted / elapsed.TotalSeconds:N0} requests/s; " +
                          $"app CPU {intakeCpu.TotalMilliseconds * 1000 / Math.Max(1, accepted):0} µs per request");

        static double P(List<double> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

        static object Body(string workload, int n) => new { workload, input = new { prompt = $"Benchmark request {n}" }, maxOutputTokens = 64 };

        static async Task<List<double>> OpenLoopAsync(HttpClient http, string workload, int perSecond, TimeSpan duration)
        {
            var results = new List<double>();
            var tasks = new List<Task>();
            var clock = Stopwatch.StartNew();
            var total = (int)(perSecond * duration.TotalSeconds);
            var failures = 0;
            for (var i = 0; i < total; i++)
            {
                // Open loop: each request starts on schedule whether or not earlier ones finished (no coordinated omission).
                var due = TimeSpan.FromSeconds((double)i / perSecond);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }
                var n = i;
                tasks.Add(Task.Run(async () =>
                {
                    var start = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsJsonAsync("/api/v1/requests", Body(workload, n));
                    var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
                    lock (results) results.Add(ms);
                }));
            }
            await Task.WhenAll(tasks);
            if (failures > 0) Console.WriteLine($"  ({failures} requests did not succeed)");
            return results;
        }

        static async Task<(int Accepted, TimeSpan Elapsed)> ClosedLoopAsync(HttpClient http, string workload, int concurrency, TimeSpan duration)
        {
            var accepted = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
            {
                var n = worker * 1_000_000;
                while (clock.Elapsed < duration)
                {
                    using var response = await http.PostAsJsonAsync("/api/v1/requests", Body(workload, n++));
                    if ((int)response.StatusCode is 200 or 202) Interlocked.Increment(ref accepted);
                }
            }));
            return (accepted, clock.Elapsed);
        }
    }
}
