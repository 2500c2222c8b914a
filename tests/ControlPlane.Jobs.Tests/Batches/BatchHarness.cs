using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Batches;
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
using ControlPlane.Jobs.Realtime;
using ControlPlane.Jobs.Requests;
using ControlPlane.Jobs.Routing;
using ControlPlane.Jobs.Telemetry;
using ControlPlane.Jobs.Tests.Webhooks;
using ControlPlane.Jobs.Webhooks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Jobs.Tests.Batches;

/// <summary>
/// The batch engine wired as in the app, on a temporary SQLite file (several connections, so concurrent runs are
/// real), a fake clock, a recording job queue and either the Simulator, a scripted provider or a real adapter pointed at
/// its loopback fake. Prices: $1 per 1M input tokens, $2 per 1M output tokens, 50 % batch discount, unless the test
/// gives the price row of its provider's model (the workload then uses that model).
/// </summary>
internal sealed class BatchHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    public static readonly ModelRef Model = new(ProviderIds.Simulator, "sim-standard");

    private readonly string _root = Path.Combine(Path.GetTempPath(), "controlplane-batch-tests", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;

    public FakeTimeProvider Time { get; } = new(Start);
    public RecordingBatchJobQueue Queue { get; } = new();
    public RecordingWebhookDeliveryQueue Webhooks { get; } = new();
    public BatchOptions Options { get; } = new() { MinBatchSize = 1, MaxWait = TimeSpan.Zero };
    public ScriptedBatchProvider? Scripted { get; }
    public Guid TeamId { get; private set; }
    public Workload Workload { get; private set; } = null!;

    /// <summary>The model the workload batches with and the queued requests are routed to.</summary>
    public ModelRef BatchModel { get; private set; } = Model;

    private BatchHarness(IInferenceProvider? provider, Action<SimulatorOptions>? simulator)
    {
        Directory.CreateDirectory(_root);
        Scripted = provider as ScriptedBatchProvider;
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_root, "test.db"), Pooling = false, DefaultTimeout = 30 }.ToString();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddDbContextFactory<ControlPlaneDbContext>(o => o.UseSqlite(connection));
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(new DataPaths(_root));
        var simulatorOptions = Providers.Simulator.SimulatorHarnessOptions.Quiet(simulator);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(simulatorOptions));
        if (provider is not null)
        {
            services.AddSingleton<IProviderRegistry>(new SingleProviderRegistry(provider));
        }
        else
        {
            services.AddSingleton<IProviderRegistry, ProviderRegistry>();
        }
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Options));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new RoutingOptions { SafetyMargin = TimeSpan.FromMinutes(10) }));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new RealtimeOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new TelemetryOptions()));
        services.AddSingleton<IBatchJobQueue>(Queue);
        services.AddSingleton<IBatchTurnaroundEstimate, ConfiguredBatchTurnaround>();
        services.AddSingleton<CircuitBreakers>();
        services.AddSingleton<RealtimeExecutor>();
        services.AddSingleton<PriceCatalogSource>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<WriteGate>();
        services.AddSingleton<RequestWriter>();
        services.AddSingleton<RequestService>();
        services.AddSingleton<TelemetryQueue>();
        services.AddSingleton<BatchPromotion>();
        services.AddSingleton<ControlPlane.Jobs.Scheduling.RecurringRunGate>();
        services.AddTransient<BatchAssemblyJob>();
        services.AddTransient<BatchSubmitJob>();
        services.AddTransient<BatchPollJob>();
        services.AddTransient<BatchIngestJob>();
        services.AddTransient<BatchStuckDetectionJob>();
        services.AddTransient<BatchPromoteJob>();
        services.AddTransient<PromotedDispatchJob>();
        services.AddSingleton<IWebhookDeliveryQueue>(Webhooks);
        services.AddSingleton<CompletionWebhooks>();
        services.AddSingleton<ICompletionNotifier>(sp => sp.GetRequiredService<CompletionWebhooks>());
        _services = services.BuildServiceProvider();
    }

    private RequestWriter Writer => _services.GetRequiredService<RequestWriter>();

    public static async Task<BatchHarness> CreateAsync(IInferenceProvider? provider = null, Action<SimulatorOptions>? simulator = null,
        PromotionPolicy? policy = null, decimal? budget = null, PriceCatalogEntry? price = null)
    {
        var harness = new BatchHarness(provider, simulator);
        await harness.Writer.StartAsync(CancellationToken.None);
        await harness.SeedAsync(policy ?? new PromotionPolicy(true, TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), BatchFailurePolicy.Rebatch), budget,
            price ?? new PriceCatalogEntry(Model.Provider, Model.Model, 1.00m, 2.00m, 0.5m, new DateOnly(2026, 1, 1)));
        return harness;
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public ControlPlaneDbContext Db() => Get<IDbContextFactory<ControlPlaneDbContext>>().CreateDbContext();

    private async Task SeedAsync(PromotionPolicy policy, decimal? budget, PriceCatalogEntry price)
    {
        BatchModel = new ModelRef(price.Provider, price.Model);
        await using var db = Db();
        await db.Database.EnsureCreatedAsync();
        var team = new Team("batch-team", "Batch team", Start);
        Workload = new Workload(team.Id, "batch-work", "Batch work", Segment.BatchFriendly, ServiceLevel.Batch(TimeSpan.FromHours(24)),
            BatchModel, BatchModel, Start) { Promotion = policy, MonthlyBudget = budget, Volume = new VolumeEstimate(1000, 100, 50) };
        TeamId = team.Id;
        db.Teams.Add(team);
        db.Workloads.Add(Workload);
        db.Prices.Add(price);
        await db.SaveChangesAsync();
    }

    /// <summary>Stores queued batch requests as the request API does, one second apart.</summary>
    public async Task<List<Guid>> QueueAsync(int count, DateTimeOffset? deadline = null, string question = "Summarise the attached report.")
    {
        await using var db = Db();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var at = Time.GetUtcNow();
            var request = new InferenceRequest(Workload.Id, TeamId, $$"""{"messages":[{"role":"user","content":"{{question}} #{{i}}"}]}""",
                null, deadline, null, null, at);
            request.Route(new RoutingDecision(RequestMode.Batch, BatchModel, "test"), at);
            request.Enqueue(at);
            db.Requests.Add(request);
            ids.Add(request.Id);
            // One second apart, so that "oldest first" and test snapshots have a stable order.
            Time.Advance(TimeSpan.FromSeconds(1));
        }
        await db.SaveChangesAsync();
        return ids;
    }

    /// <summary>Queues, assembles and submits one job; returns its id.</summary>
    public async Task<Guid> SubmittedJobAsync(int requests)
    {
        await QueueAsync(requests);
        var jobId = (await Get<BatchAssemblyJob>().RunAsync(CancellationToken.None)).Single();
        await Get<BatchSubmitJob>().RunAsync(jobId, CancellationToken.None);
        return jobId;
    }

    /// <summary>Lets the scripted provider finish the job's batch and polls until the job sees it.</summary>
    public async Task FinishAsync(Guid jobId, ProviderBatchState state, Action<ScriptedBatchProvider.Batch>? script = null)
    {
        var job = await JobAsync(jobId);
        var batch = Scripted!.Batches.Single(b => b.Id == job.ProviderBatchId);
        batch.State = state;
        script?.Invoke(batch);
        if (job.NextPollAt is { } due && due > Time.GetUtcNow())
        {
            Time.Advance(due - Time.GetUtcNow());
        }
        await Get<BatchPollJob>().PollOneAsync(jobId, CancellationToken.None);
    }

    public async Task<BatchJob> JobAsync(Guid id)
    {
        await using var db = Db();
        return await db.BatchJobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    public async Task<List<InferenceRequest>> RequestsAsync()
    {
        await using var db = Db();
        return await db.Requests.AsNoTracking().OrderBy(r => r.ReceivedAt).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finalising connection: the temp folder is cleaned by the OS.
        }
    }
}
