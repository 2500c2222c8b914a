using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Demo;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Routing;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Alerts;
using ControlPlane.Jobs.Batches;
using ControlPlane.Jobs.Costs;
using ControlPlane.Jobs.Providers.Simulator;
using ControlPlane.Jobs.Realtime;
using ControlPlane.Jobs.Requests;
using ControlPlane.Jobs.Rollups;
using ControlPlane.Jobs.Routing;
using ControlPlane.Jobs.Scheduling;
using ControlPlane.Jobs.Telemetry;
using ControlPlane.Jobs.Webhooks;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Demo;

/// <summary>
/// The app's own request path, batch engine, roll-up and alert jobs, built a second time around a
/// <see cref="SimulatedClock"/>: the same classes as in the app, each given the simulated clock as its
/// <see cref="TimeProvider"/>, so every timestamp they store is simulated time. Only the edges differ: the Simulator
/// serves every provider, Hangfire hand-offs run in this loop, and nothing is sent outside (no webhooks).
/// </summary>
internal sealed class HistoryEngine : IAsyncDisposable
{
    /// <summary>Batches in the history take about as long as at a real provider, not the live demo's compressed minutes.</summary>
    public static readonly TimeSpan BatchTurnaround = TimeSpan.FromHours(1);

    /// <summary>The providers' real completion window.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ServiceProvider _services;
    private readonly SimulatedClock _clock;
    private readonly HistoryJobQueue _queue;
    private readonly Dictionary<string, Workload> _workloads;
    private readonly WriteGate _gate;
    private bool _writersStopped;

    private HistoryEngine(ServiceProvider services, SimulatedClock clock, HistoryJobQueue queue, Dictionary<string, Workload> workloads)
    {
        _services = services;
        _clock = clock;
        _queue = queue;
        _workloads = workloads;
        _gate = services.GetRequiredService<WriteGate>();
    }

    public static async Task<HistoryEngine> StartAsync(IServiceProvider app, SimulatedClock clock, IReadOnlyList<ProviderIncident> incidents,
        CancellationToken cancellationToken)
    {
        var factory = app.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
        var queue = new HistoryJobQueue(clock);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddProvider(new ForwardingLoggerProvider(app.GetRequiredService<ILoggerFactory>()))
            .SetMinimumLevel(LogLevel.Warning));
        services.AddMetrics();
        services.AddSingleton(factory);
        services.AddSingleton(app.GetRequiredService<DataPaths>());
        services.AddSingleton(app.GetRequiredService<WriteGate>());
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IBatchJobQueue>(queue);

        var simulator = HistoryProviders.ForHistory(app.GetRequiredService<IOptions<SimulatorOptions>>().Value, BatchTurnaround, BatchWindow);
        services.AddSingleton(Options.Create(simulator));
        services.AddSingleton(Options.Create(HistoryBatchOptions(app.GetRequiredService<IOptions<BatchOptions>>().Value)));
        services.AddSingleton(app.GetRequiredService<IOptions<RoutingOptions>>());
        services.AddSingleton(app.GetRequiredService<IOptions<RealtimeOptions>>());
        services.AddSingleton(app.GetRequiredService<IOptions<TelemetryOptions>>());
        var alerts = app.GetRequiredService<IOptions<AlertOptions>>().Value;
        services.AddSingleton(Options.Create(new AlertOptions
        {
            WebhookUrl = null, SlaBurnRate = alerts.SlaBurnRate, SlaMinimumRequests = alerts.SlaMinimumRequests,
        }));

        services.AddSingleton<IProviderRegistry>(sp => new HistoryProviders(
            sp.GetRequiredService<IOptions<SimulatorOptions>>(), sp.GetRequiredService<DataPaths>(), clock, incidents));
        services.AddSingleton<IBatchTurnaroundEstimate, ConfiguredBatchTurnaround>();
        services.AddSingleton<CircuitBreakers>();
        services.AddSingleton<IAlertSource>(sp => sp.GetRequiredService<CircuitBreakers>());
        services.AddSingleton<RealtimeExecutor>();
        services.AddSingleton<PriceCatalogSource>();
        services.AddSingleton<RequestMetrics>();
        services.AddSingleton<RequestService>();
        services.AddSingleton<RequestWriter>();
        services.AddSingleton<TelemetryQueue>();
        services.AddSingleton<TelemetryWriter>();
        services.AddSingleton<ICompletionNotifier, NoCompletionWebhooks>();
        services.AddSingleton<IBackgroundJobClient, NoBackgroundJobs>();
        services.AddSingleton<BatchPromotion>();
        services.AddSingleton<RecurringRunGate>();
        services.AddTransient<BatchAssemblyJob>();
        services.AddTransient<BatchSubmitJob>();
        services.AddTransient<BatchPollJob>();
        services.AddTransient<BatchIngestJob>();
        services.AddTransient<BatchStuckDetectionJob>();
        services.AddTransient<BatchPromoteJob>();
        services.AddTransient<PromotedDispatchJob>();
        services.AddTransient<HourlyRollupJob>();
        services.AddTransient<AlertEvaluationJob>();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Dictionary<string, Workload> workloads;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var slugs = DemoWorkloads.Workloads.Select(w => w.Slug).ToList();
            workloads = await db.Workloads.AsNoTracking().Where(w => slugs.Contains(w.Slug) && !w.IsArchived)
                .ToDictionaryAsync(w => w.Slug, cancellationToken);
        }
        // Not tied to the caller's token: on cancellation the writers still drain, in StopWritersAsync.
        await provider.GetRequiredService<RequestWriter>().StartAsync(CancellationToken.None);
        await provider.GetRequiredService<TelemetryWriter>().StartAsync(CancellationToken.None);
        return new HistoryEngine(provider, clock, queue, workloads);
    }

    /// <summary>
    /// The configured batch settings on a month's scale: requests wait up to three hours for company (a batch every few
    /// hours per workload rather than one a minute), and batches are polled every 15–30 minutes.
    /// </summary>
    private static BatchOptions HistoryBatchOptions(BatchOptions o) => new()
    {
        MinBatchSize = o.MinBatchSize,
        MaxWait = TimeSpan.FromHours(3),
        MaxRequestsPerBatch = o.MaxRequestsPerBatch,
        PollInitialDelay = o.PollInitialDelay,
        PollBackoffFactor = o.PollBackoffFactor,
        PollMaxDelay = o.PollMaxDelay,
        SimulatorPollInitialDelay = TimeSpan.FromMinutes(15),
        SimulatorPollMaxDelay = TimeSpan.FromMinutes(30),
        SubmitLease = o.SubmitLease,
        PageSize = o.PageSize,
        PromotionRequestsPerMinute = o.PromotionRequestsPerMinute,
        MaxJobsPerPoll = o.MaxJobsPerPoll,
    };

    /// <summary>Sends one demo request through the request service, in its own flow starting at its arrival time.</summary>
    public Task SubmitAsync(DemoArrival arrival, string prompt)
    {
        if (!_workloads.TryGetValue(arrival.Workload, out var workload))
        {
            return Task.CompletedTask;
        }
        var messages = new[] { new ChatMessage(ChatRole.User, prompt) };
        var input = JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = prompt } } }, Json);
        var command = new SubmitCommand(workload, messages, input, DemoPrompts.MaxOutputTokens(arrival.Workload),
            arrival.Urgent ? arrival.At + DemoTraffic.UrgentDeadline : null, IdempotencyKey: null,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(input))), """{"source":"demo-history"}""");
        var requests = _services.GetRequiredService<RequestService>();
        return _clock.RunAsync(arrival.At, () => requests.SubmitAsync(command, CancellationToken.None));
    }

    /// <summary>
    /// One tick of the recurring batch jobs at the clock's time, each hand-off run at once as Hangfire would:
    /// assembly and submission, polling and ingestion, promoted dispatch, stuck detection and promotion.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await WritingAloneAsync(() => Get<BatchAssemblyJob>().RunAsync(cancellationToken));
        await RunHandOffsAsync(cancellationToken);
        await WritingAloneAsync(() => Get<BatchPollJob>().RunAsync(cancellationToken));
        await RunHandOffsAsync(cancellationToken);
        await WritingAloneAsync(() => Get<BatchStuckDetectionJob>().RunAsync(cancellationToken));
        await RunHandOffsAsync(cancellationToken);
    }

    private async Task RunHandOffsAsync(CancellationToken cancellationToken)
    {
        var ran = true;
        while (ran)
        {
            ran = false;
            while (_queue.TryTakeSubmit(out var submit))
            {
                await WritingAloneAsync(() => Get<BatchSubmitJob>().RunAsync(submit, cancellationToken));
                ran = true;
            }
            while (_queue.TryTakeIngest(out var ingest))
            {
                // Ingestion takes the write gate itself for each page it writes (the gate is not re-entrant).
                await InFlowAsync(() => Get<BatchIngestJob>().RunAsync(ingest, cancellationToken));
                ran = true;
            }
            // Promotion dispatches through the request service, whose writer takes the write gate itself.
            while (_queue.TryTakePromote(out var promote))
            {
                await InFlowAsync(() => Get<BatchPromoteJob>().RunAsync(promote.JobId, promote.Actor, promote.Reason, cancellationToken));
                ran = true;
            }
            foreach (var jobId in _queue.TakeDispatchesDue(_clock.Now))
            {
                await InFlowAsync(() => Get<PromotedDispatchJob>().RunAsync(jobId, cancellationToken));
                ran = true;
            }
        }
    }

    /// <summary>The recurring roll-up and alert jobs at the clock's time.</summary>
    public async Task RollUpAsync(CancellationToken cancellationToken)
    {
        await WritingAloneAsync(() => Get<HourlyRollupJob>().RunAsync(cancellationToken));
        await WritingAloneAsync(() => Get<AlertEvaluationJob>().RunAsync(cancellationToken));
    }

    /// <summary>Writes every request and telemetry event still buffered, and stops the history's writers.</summary>
    public async Task StopWritersAsync()
    {
        if (_writersStopped)
        {
            return;
        }
        _writersStopped = true;
        await _services.GetRequiredService<RequestWriter>().StopAsync(CancellationToken.None);
        await _services.GetRequiredService<TelemetryWriter>().StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopWritersAsync();
        await _services.DisposeAsync();
    }

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    // Job runs get a flow of their own at the clock's time, so waits inside them (the Simulator's latency on the
    // promoted path) pass in that flow and never move the clock of the loop.
    private Task InFlowAsync(Func<Task> run) => _clock.RunAsync(_clock.Now, run);

    // A job that writes to the database directly runs holding the app's write gate, so its commits never meet the
    // request and telemetry writers' at SQLite's lock, where Microsoft.Data.Sqlite retries by sleeping (150 ms a
    // time). Only for jobs that do not wait on those writers themselves (the promotion path does).
    private Task WritingAloneAsync(Func<Task> run) => _gate.RunAsync(() => InFlowAsync(run));
}
