using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Alerts;
using ControlPlane.Jobs.Providers;
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
        // Real adapters register themselves as IInferenceProvider; the registry serves the Simulator for the rest.
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
