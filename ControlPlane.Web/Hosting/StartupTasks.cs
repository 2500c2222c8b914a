using ControlPlane.Domain.Persistence;
using ControlPlane.Jobs.Demo;
using ControlPlane.Jobs.Scheduling;
using ControlPlane.Web.Demo;
using ControlPlane.Web.Security.FirstStart;
using Hangfire;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Hosting;

/// <summary>
/// What must be true before the app serves a request: schema current, demo data present (on a first start in demo
/// mode with a month of history, see <see cref="DemoHistory"/>), schedule registered.
/// </summary>
public sealed class StartupTasks(
    DatabaseInitializer database,
    IServiceProvider services,
    IOptions<DemoOptions> demo,
    DemoHistory history,
    IRecurringJobManager recurringJobs,
    AccountBootstrapper accounts,
    Features.Keys.ApiKeyService apiKeys,
    ILogger<StartupTasks> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await database.InitializeAsync(cancellationToken);
        if (demo.Value.Enabled)
        {
            await ActivatorUtilities.CreateInstance<DemoSeeder>(services).SeedAsync(cancellationToken);
            // Before the Hangfire server and the live demo traffic start: the history is the only writer meanwhile.
            await history.RunAsync(cancellationToken);
        }
        await accounts.RunAsync(cancellationToken);
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
