using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Alerts;
using ControlPlane.Jobs.Providers;
using ControlPlane.Jobs.Providers.Anthropic;
using ControlPlane.Jobs.Providers.Gemini;
using ControlPlane.Jobs.Providers.OpenAI;
using ControlPlane.Jobs.Providers.SageMaker;
using ControlPlane.Jobs.Providers.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Jobs;

public static class DependencyInjection
{
    /// <summary>Provider adapters, the Simulator, the real-time dispatcher and Hangfire jobs.</summary>
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
        builder.Services.AddSageMakerProvider(builder.Configuration);

        // DataPaths is registered by the Web host.
        builder.Services.AddSingleton<IProviderRegistry, ProviderRegistry>();

        builder.Services.AddOptions<AlertOptions>()
            .BindConfiguration(AlertOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHttpClient(AlertWebhookJob.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        return builder;
    }
}
