using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Alerts;
using ControlPlane.Domain.Routing;
using ControlPlane.Jobs.Batches;
using ControlPlane.Jobs.Costs;
using ControlPlane.Jobs.Demo;
using ControlPlane.Jobs.Providers;
using ControlPlane.Jobs.Providers.Anthropic;
using ControlPlane.Jobs.Providers.Gemini;
using ControlPlane.Jobs.Providers.Vertex;
using ControlPlane.Jobs.Providers.OpenAI;
using ControlPlane.Jobs.Providers.SageMaker;
using ControlPlane.Jobs.Providers.Simulator;
using ControlPlane.Jobs.Realtime;
using ControlPlane.Jobs.Requests;
using ControlPlane.Jobs.Routing;
using ControlPlane.Jobs.Scheduling;
using ControlPlane.Jobs.Telemetry;
using ControlPlane.Jobs.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Jobs;

public static class DependencyInjection
{
    /// <summary>Provider adapters, the Simulator, routing, the real-time executor, the telemetry writer and Hangfire jobs.</summary>
    public static IHostApplicationBuilder AddControlPlaneJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Each real adapter registers itself as IInferenceProvider only when its credentials are configured
        // (ControlPlane:Providers:<Name>, from environment variables or user-secrets); the registry serves the
        // Simulator for the rest. Their HttpClients have plain timeouts and no retry handler: the real-time
        // executor owns retries, backoff and circuit breaking.
        builder.Services.AddOpenAIProvider(builder.Configuration);
        builder.Services.AddAnthropicProvider(builder.Configuration);
        builder.Services.AddGeminiProvider(builder.Configuration);
        builder.Services.AddVertexProvider(builder.Configuration);
        builder.Services.AddSageMakerProvider(builder.Configuration);

        // DataPaths is registered by the Web host.
        builder.Services.AddSingleton<IProviderRegistry, ProviderRegistry>();

        builder.Services.AddOptions<AlertOptions>()
            .BindConfiguration(AlertOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHttpClient(AlertWebhookJob.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        // Completion webhooks: no retry handler, Hangfire retries a failed delivery with backoff and records each attempt.
        builder.Services.AddHttpClient(WebhookDeliveryJob.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<IWebhookDeliveryQueue, HangfireWebhookDeliveryQueue>();
        builder.Services.AddSingleton<CompletionWebhooks>();
        builder.Services.AddSingleton<ICompletionNotifier>(sp => sp.GetRequiredService<CompletionWebhooks>());
        builder.Services.AddTransient<WebhookDeliveryJob>();
        builder.Services.AddTransient<WebhookSweepJob>();
        builder.Services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IBatchTurnaroundEstimate, ConfiguredBatchTurnaround>();
        builder.Services.AddSingleton<CircuitBreakers>();
        builder.Services.AddSingleton<IAlertSource>(sp => sp.GetRequiredService<CircuitBreakers>());
        builder.Services.AddSingleton<RealtimeExecutor>();
        builder.Services.AddSingleton<PriceCatalogSource>();
        builder.Services.AddSingleton<WorkloadDirectory>();
        builder.Services.AddSingleton<RequestMetrics>();
        builder.Services.AddSingleton<RequestService>();
        builder.Services.AddSingleton<WriteGate>();
        builder.Services.AddSingleton<RequestWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RequestWriter>());
        builder.Services.AddSingleton<TelemetryQueue>();
        builder.Services.AddHostedService<TelemetryWriter>();
        builder.AddBatchEngine();
        builder.Services.AddOptions<DemoHistoryOptions>().BindConfiguration(DemoHistoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DemoHistory>();
        return builder;
    }

    /// <summary>Assembly, submit, poll, ingestion, stuck detection and promotion of batch jobs (Hangfire jobs, see Scheduling/).</summary>
    private static void AddBatchEngine(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IBatchJobQueue, HangfireBatchJobQueue>();
        builder.Services.AddSingleton<BatchPromotion>();
        builder.Services.AddSingleton<BatchOperations>();
        builder.Services.AddSingleton<RecurringRunGate>();
        builder.Services.AddTransient<BatchAssemblyJob>();
        builder.Services.AddTransient<BatchSubmitJob>();
        builder.Services.AddTransient<BatchPollJob>();
        builder.Services.AddTransient<BatchIngestJob>();
        builder.Services.AddTransient<BatchStuckDetectionJob>();
        builder.Services.AddTransient<BatchPromoteJob>();
        builder.Services.AddTransient<PromotedDispatchJob>();
    }
}
