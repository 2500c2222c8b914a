using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Requests;
using ControlPlane.Web.Endpoints;
using ControlPlane.Web.Endpoints.Auth;
using ControlPlane.Web.Features.Keys;
using OpenTelemetry.Metrics;
using ControlPlane.Web.Demo;
using ControlPlane.Jobs.Providers;
using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Features.Providers;
using ControlPlane.Web.Features.Workloads.Editor;
using ControlPlane.Web.Features.Settings;
using ControlPlane.Web.Hosting;
using ControlPlane.Web.Jobs;
using ControlPlane.Web.Security;
using Microsoft.AspNetCore.DataProtection;
using MudBlazor.Services;

namespace ControlPlane.Web;

public static class DependencyInjection
{
    /// <summary>Blazor Server with MudBlazor, Hangfire (server + dashboard), health checks and API plumbing.</summary>
    public static IHostApplicationBuilder AddControlPlaneWeb(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddProblemDetails();
        builder.Services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(PathsFrom(builder.Services).Folder("keys")))
            .SetApplicationName("ControlPlane");
        builder.AddControlPlaneHangfire(PathsFrom(builder.Services));
        builder.AddControlPlaneHealthChecks();
        builder.AddControlPlaneSecurity();
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.SectionName);
        builder.Services.AddSingleton<DemoKeys>();
        builder.Services.AddHostedService<DemoTrafficGenerator>();
        builder.Services.AddScoped<StartupTasks>();
        builder.Services.AddScoped<WorkloadStore>();
        builder.Services.AddScoped<SettingsStore>();
        // Saved provider connections: the secret port the registry reads them through, and the adapter factory it builds with.
        builder.Services.AddSingleton<ProviderSecretProtector>();
        builder.Services.AddSingleton<IProviderSecretReader>(sp => sp.GetRequiredService<ProviderSecretProtector>());
        builder.Services.AddSingleton<ConnectionAdapterFactory>();
        builder.Services.AddHttpClient();
        builder.Services.AddScoped<ProviderConnectionStore>();
        builder.Services.AddScoped<ProviderStatus>();
        builder.AddControlPlaneApi();
        return builder;
    }

    /// <summary>The public API: key authentication, limits, OpenAPI document and Prometheus metrics.</summary>
    private static IHostApplicationBuilder AddControlPlaneApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddSingleton<ApiKeyFilter>();
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ControlPlane API";
            document.Info.Description = "One API for every AI request: routed to real time or batch by the workload's segment and deadline. " +
                "Authenticate with 'Authorization: Bearer <API key>'.";
            return Task.CompletedTask;
        }));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RequestMetrics.MeterName)
            .AddView("controlplane.request.duration", new ExplicitBucketHistogramConfiguration
            {
                Boundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            })
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>The data folder was resolved by AddControlPlaneDomain; registration needs it before the container is built.</summary>
    private static DataPaths PathsFrom(IServiceCollection services) =>
        services.Where(d => d.ServiceType == typeof(DataPaths)).Select(d => d.ImplementationInstance).OfType<DataPaths>().LastOrDefault()
        ?? throw new InvalidOperationException("Call AddControlPlaneDomain before AddControlPlaneWeb.");
}
