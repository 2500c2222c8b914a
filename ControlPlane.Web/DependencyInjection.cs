using ControlPlane.Domain.Abstractions;
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
        return builder;
    }

    /// <summary>The data folder was resolved by AddControlPlaneDomain; registration needs it before the container is built.</summary>
    private static DataPaths PathsFrom(IServiceCollection services) =>
        services.Where(d => d.ServiceType == typeof(DataPaths)).Select(d => d.ImplementationInstance).OfType<DataPaths>().LastOrDefault()
        ?? throw new InvalidOperationException("Call AddControlPlaneDomain before AddControlPlaneWeb.");
}
