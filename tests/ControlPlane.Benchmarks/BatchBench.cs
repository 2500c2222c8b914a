using System.Diagnostics;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Routing;
using ControlPlane.Domain.Teams;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Batches;
using ControlPlane.Jobs.Costs;
using ControlPlane.Jobs.Providers;
using ControlPlane.Jobs.Providers.Simulator;
using ControlPlane.Jobs.Routing;
using ControlPlane.Jobs.Scheduling;
using ControlPlane.Jobs.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Benchmarks;

/// <summary>The batch engine on a temporary SQLite file (WAL, as in the app) with the Simulator and a fake clock.</summary>
internal sealed class BatchBench : IAsyncDisposable
{
    private static readonly ModelRef Model = new(ProviderIds.OpenAI, "gpt-4o-mini");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "controlplane-bench", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ServiceProvider _services;
    private readonly TelemetryWriter _writer;
    private readonly NoQueue _queue = new();
    private Workload _workload = null!;

    private BatchBench()
    {
        Directory.CreateDirectory(_root);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_root, "bench.db"), Pooling = true }.ToString();
        var services = new ServiceCollection();
        services.AddLogging();
        // As in the app (ControlPlane.Domain/DependencyInjection.cs): WAL with synchronous=NORMAL on every connection.
        services.AddDbContextFactory<ControlPlaneDbContext>(o => o.UseSqlite(connection).AddInterceptors(new SqlitePragmas()));
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new DataPaths(_root));
        services.AddSingleton(Options.Create(new SimulatorOptions { BatchItemFailureRate = 0.02, BatchStallRate = 0, BatchExpiryRate = 0 }));
        services.AddSingleton<IProviderRegistry, ProviderRegistry>();
        services.AddSingleton(Options.Create(new BatchOptions { MinBatchSize = 1, MaxWait = TimeSpan.Zero }));
        services.AddSingleton(Options.Create(new RoutingOptions()));
        services.AddSingleton(Options.Create(new TelemetryOptions()));
        services.AddSingleton<IBatchJobQueue>(_queue);
        services.AddSingleton<IBatchTurnaroundEstimate, ConfiguredBatchTurnaround>();
        services.AddSingleton<PriceCatalogSource>();
        services.AddSingleton<TelemetryQueue>();
        services.AddSingleton<ControlPlane.Jobs.Requests.WriteGate>();
        services.AddSingleton<TelemetryWriter>();
        services.AddSingleton<RecurringRunGate>();
        services.AddTransient<BatchAssemblyJob>();
        services.AddTransient<BatchSubmitJob>();
        services.AddTransient<BatchPollJob>();
        services.AddTransient<BatchIngestJob>();
        // The bench workload has no completion webhook: the hook looks once and queues nothing.
        services.AddSingleton<ControlPlane.Jobs.Webhooks.IWebhookDeliveryQueue, NoWebhookQueue>();
        services.AddSingleton<ControlPlane.Jobs.Webhooks.ICompletionNotifier, ControlPlane.Jobs.Webhooks.CompletionWebhooks>();
        _services = services.BuildServiceProvider();
        _writer = _services.GetRequiredService<TelemetryWriter>();
    }

    public static async Task<BatchBench> CreateAsync()
    {
        var bench = new BatchBench();
        await using var db = await bench.Factory.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        var team = new Team("bench", "Bench", bench._time.GetUtcNow());
        bench._workload = new Workload(team.Id, "bench", "Bench", Segment.BatchFriendly, ServiceLevel.Batch(TimeSpan.FromHours(24)),
            Model, Model, bench._time.GetUtcNow());
        db.Teams.Add(team);
        db.Workloads.Add(bench._workload);
        db.Prices.Add(new PriceCatalogEntry(Model.Provider, Model.Model, 0.15m, 0.60m, 0.5m, new DateOnly(2024, 1, 1)));
        await db.SaveChangesAsync();
        await bench._writer.StartAsync(CancellationToken.None);
        return bench;
    }

    private IDbContextFactory<ControlPlaneDbContext> Factory => _services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();

    /// <summary>Stores queued requests as the API does (not timed).</summary>
    public async Task QueueAsync(int count)
    {
        for (var start = 0; start < count; start += 5_000)
        {
            await using var db = await Factory.CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(count, start + 5_000); i++)
            {
                var now = _time.GetUtcNow();
                var request = new InferenceRequest(_workload.Id, _workload.TeamId,
                    $$"""{"messages":[{"role":"system","content":"Extract the fields."},{"role":"user","content":"Invoice {{i}}: ACME Corp, 3 items, total 1,234.56 EUR, due in 30 days."}]}""",
                    200, null, null, null, now);
                request.Route(new RoutingDecision(RequestMode.Batch, Model, "benchmark"), now);
                request.Enqueue(now);
                db.Requests.Add(request);
            }
            await db.SaveChangesAsync();
        }
    }

    public async Task<(Guid JobId, TimeSpan Assembly)> AssembleAndSubmitAsync()
    {
        var watch = Stopwatch.StartNew();
        var jobs = await _services.GetRequiredService<BatchAssemblyJob>().RunAsync(CancellationToken.None);
        var assembly = watch.Elapsed;
        foreach (var job in jobs)
        {
            await _services.GetRequiredService<BatchSubmitJob>().RunAsync(job, CancellationToken.None);
        }
        return (jobs.Single(), assembly);
    }

    /// <summary>Only reading the Simulator's result stream: the share of ingestion that is the provider, not us.</summary>
    public async Task<TimeSpan> ReadResultsOnlyAsync(Guid jobId)
    {
        await using var db = await Factory.CreateDbContextAsync();
        var job = await db.BatchJobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
        var watch = Stopwatch.StartNew();
        var count = 0;
        await foreach (var _ in _services.GetRequiredService<IProviderRegistry>().Get(job.Provider).ReadResultsAsync(job.ProviderBatchId!, CancellationToken.None))
        {
            count++;
        }
        return watch.Elapsed;
    }

    /// <summary>
    /// Waits until the telemetry writer has stored the assembly's AddedToBatch events (one per request, written in the
    /// background through the shared write gate), so that ingestion is timed alone rather than alongside that backlog.
    /// </summary>
    public async Task DrainTelemetryAsync()
    {
        var queue = _services.GetRequiredService<TelemetryQueue>();
        var gate = _services.GetRequiredService<ControlPlane.Jobs.Requests.WriteGate>();
        while (queue.Pending > 0)
        {
            await Task.Delay(20);
        }
        // The writer may still hold its last batch: it holds the gate while it writes it.
        await Task.Delay(50);
        await gate.RunAsync(() => Task.CompletedTask);
    }

    /// <summary>Moves the fake clock past the Simulator's turnaround and polls until the job is complete.</summary>
    public async Task WaitForProviderAsync(Guid jobId)
    {
        _time.Advance(TimeSpan.FromMinutes(3));
        await _services.GetRequiredService<BatchPollJob>().PollOneAsync(jobId, CancellationToken.None);
    }

    /// <summary>Ingestion timed alone; also the process's CPU time meanwhile, a steadier figure than wall time on a shared machine.</summary>
    public async Task<(TimeSpan Elapsed, TimeSpan Cpu, IngestSummary Summary, long PeakHeap, long Allocated)> IngestAsync(Guid jobId)
    {
        using var sampling = new CancellationTokenSource();
        long peak = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(20, CancellationToken.None);
            }
        });
        var allocatedBefore = GC.GetTotalAllocatedBytes(true);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var summary = await _services.GetRequiredService<BatchIngestJob>().RunAsync(jobId, CancellationToken.None);
        var elapsed = watch.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        await sampling.CancelAsync();
        await sampler;
        return (elapsed, cpu, summary, peak, GC.GetTotalAllocatedBytes(true) - allocatedBefore);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private sealed class NoQueue : IBatchJobQueue
    {
        public void EnqueueSubmit(Guid batchJobId) { }
        public void EnqueueIngest(Guid batchJobId) { }
        public void EnqueuePromote(Guid batchJobId, string actor, string reason) { }
        public void ScheduleDispatchPromoted(Guid batchJobId, TimeSpan delay) { }
    }
}

internal sealed class NoWebhookQueue : ControlPlane.Jobs.Webhooks.IWebhookDeliveryQueue
{
    public void EnqueueDelivery(Guid deliveryId) =>
        throw new InvalidOperationException("The benchmark workload has no completion webhook.");
}
