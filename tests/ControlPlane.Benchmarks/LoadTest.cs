using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

// Load test of the request path over loopback HTTP against the real app on Kestrel, with the Simulator at zero
// latency and zero errors, so what is measured is ControlPlane's own overhead: auth, validation, routing, the
// request row writes, costing and telemetry queueing.
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
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cp-bench-" + Guid.NewGuid().ToString("N"));

        await using var factory = new BenchFactory(dataDirectory, Key);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(address),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        Console.WriteLine($"ControlPlane at {address}; {Environment.ProcessorCount} cores; {seconds} s per phase");

        // Warm-up: JIT, connection pool, caches.
        await ClosedLoopAsync(http, "customer-chatbot", 16, TimeSpan.FromSeconds(3));
        await ClosedLoopAsync(http, "document-processing", 16, TimeSpan.FromSeconds(2));

        var latencies = await OpenLoopAsync(http, "customer-chatbot", rate, TimeSpan.FromSeconds(seconds));
        latencies.Sort();
        Console.WriteLine($"Real-time at {rate} req/s: {latencies.Count} requests, p50 {P(latencies, 0.50):0.00} ms, p90 {P(latencies, 0.90):0.00} ms, " +
                          $"p99 {P(latencies, 0.99):0.00} ms, max {latencies[^1]:0.00} ms");

        var (accepted, elapsed) = await ClosedLoopAsync(http, "document-processing", 64, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"Batch intake: {accepted} accepted (202, stored Queued) in {elapsed.TotalSeconds:0.0} s = {accepted / elapsed.TotalSeconds:N0} requests/s");

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

internal sealed class BenchFactory(string dataDirectory, string key) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ControlPlane:DataDirectory", dataDirectory);
        builder.UseSetting("ControlPlane:Demo:Enabled", "true");
        builder.UseSetting("ControlPlane:Demo:Traffic:Enabled", "false");
        builder.UseSetting("ControlPlane:Demo:History:Days", "0");
        builder.UseSetting("ControlPlane:Jobs:RunServer", "false");
        builder.UseSetting("ControlPlane:Simulator:RealtimeLatencyMedianMs", "0");
        builder.UseSetting("ControlPlane:Simulator:RealtimeErrorRate", "0");
        builder.UseSetting("ControlPlane:BootstrapApiKey", key);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseEnvironment("Production");
    }
}
