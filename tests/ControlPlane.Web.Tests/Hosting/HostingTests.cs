using System.Net;
using System.Text.Json;
using ControlPlane.Domain;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Tests.Hosting;

public sealed class HostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_AnswersWithoutTouchingDependencies()
    {
        await using var factory = new ControlPlaneFactory();
        var response = await factory.CreateClient().GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Readyz_ReportsTheDatabaseAndHangfireStorage()
    {
        await using var factory = new ControlPlaneFactory();
        var response = await factory.CreateClient().GetAsync("/readyz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("hangfire-storage").GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "controlplane.db")));
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "hangfire.db")));
    }

    [Fact]
    public async Task RootAppSettings_IsTheFileTheAppReads()
    {
        var rootFile = Path.Combine(RepositoryRoot(), "appsettings.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(rootFile, Ct));
        var section = json.RootElement.GetProperty("ControlPlane");
        var turnaround = section.GetProperty("Simulator").GetProperty("BatchTurnaround").GetString();
        var displayName = section.GetProperty("DisplayName").GetString();

        await using var factory = new ControlPlaneFactory();
        var configuration = factory.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();

        Assert.Equal(turnaround, configuration["ControlPlane:Simulator:BatchTurnaround"]);
        Assert.Equal(displayName, factory.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.DisplayName);
        var page = await factory.CreateClient().GetStringAsync("/", Ct);
        Assert.Equal(displayName, AppName(page));
    }

    [Fact]
    public async Task EnvironmentStyleSettings_OverrideTheRootFile()
    {
        await using var factory = new ControlPlaneFactory(settings: new Dictionary<string, string?> { ["ControlPlane:DisplayName"] = "ControlPlane Staging" });
        var page = await factory.CreateClient().GetStringAsync("/", Ct);
        Assert.Equal("ControlPlane Staging", AppName(page));
    }

    [Fact]
    public async Task Restart_KeepsDataAndDoesNotDuplicateDemoData()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cp-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = new ControlPlaneFactory(directory))
            {
                await using var db = await Factory(first).CreateDbContextAsync(Ct);
                var chatbot = await db.Workloads.SingleAsync(w => w.Slug == "customer-chatbot", Ct);
                chatbot.Description = "edited before the restart";
                await db.SaveChangesAsync(Ct);
            }

            await using var second = new ControlPlaneFactory(directory);
            await using var read = await Factory(second).CreateDbContextAsync(Ct);
            Assert.Equal(5, await read.Workloads.CountAsync(Ct));
            Assert.Equal(5, await read.Teams.CountAsync(Ct));
            Assert.Equal("edited before the restart", (await read.Workloads.SingleAsync(w => w.Slug == "customer-chatbot", Ct)).Description);
        }
        finally
        {
            ControlPlaneFactory.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task DemoDisabled_StartsWithAnEmptyCatalogue()
    {
        await using var factory = new ControlPlaneFactory(settings: new Dictionary<string, string?>
        {
            ["ControlPlane:Demo:Enabled"] = "false",
            ["ControlPlane:Admin:Email"] = "admin@example.com",
            ["ControlPlane:Admin:Password"] = "Admin-Password-2026",
        });
        await using var db = await Factory(factory).CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.Workloads.CountAsync(Ct));
        var client = await SignIn.AsAsync(factory, "admin@example.com", "Admin-Password-2026");
        var page = await client.GetStringAsync("/", Ct);
        Assert.Contains("No workloads are configured", page);
    }

    [Fact]
    public async Task HangfireDashboard_IsRefusedToAManager_AndAskedForSignInWhenAnonymous()
    {
        // No longer local-requests-only: the dashboard follows the roles (Policies.CanUseJobDashboard).
        await using var factory = new ControlPlaneFactory();
        var anonymous = await SignIn.NewClient(factory).GetAsync("/hangfire", Ct);
        var manager = await (await SignIn.AsAsync(factory, "manager@demo.local")).GetAsync("/hangfire", Ct);

        Assert.Equal("/signin?returnUrl=%2Fhangfire", anonymous.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, manager.StatusCode);
        Assert.StartsWith("/forbidden", manager.Headers.Location?.OriginalString);
    }

    private static string AppName(string page) =>
        System.Text.RegularExpressions.Regex.Match(page, "id=\"app-name\"[^>]*>([^<]*)<").Groups[1].Value;

    private static IDbContextFactory<ControlPlaneDbContext> Factory(ControlPlaneFactory app) =>
        app.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ControlPlane.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("ControlPlane.sln not found above the test binaries.");
    }
}
