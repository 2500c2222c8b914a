using ControlPlane.Domain.Persistence;
using ControlPlane.Jobs.Scheduling;
using ControlPlane.Web.Demo;
using Hangfire;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Hosting;

/// <summary>What must be true before the app serves a request: schema current, demo data present, schedule registered.</summary>
public sealed class StartupTasks(
    DatabaseInitializer database,
    IServiceProvider services,
    IOptions<DemoOptions> demo,
    IRecurringJobManager recurringJobs,
    Features.Keys.ApiKeyService apiKeys,
    ILogger<StartupTasks> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await database.InitializeAsync(cancellationToken);
        if (demo.Value.Enabled)
        {
            await ActivatorUtilities.CreateInstance<DemoSeeder>(services).SeedAsync(cancellationToken);
        }
        await apiKeys.EnsureBootstrapKeyAsync(cancellationToken);
        RecurringJobSchedule.Apply(recurringJobs);
        logger.LogInformation("ControlPlane is ready (demo data {Demo})", demo.Value.Enabled ? "on" : "off");
    }
}

public static class StartupTasksExtensions
{
    public static async Task RunStartupTasksAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<StartupTasks>().RunAsync(app.Lifetime.ApplicationStopping);
    }
}
