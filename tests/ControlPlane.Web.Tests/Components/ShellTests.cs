using Bunit;
using ControlPlane.Domain;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Users;
using ControlPlane.Web.Components.Layout;
using ControlPlane.Web.Security;
using ControlPlane.Web.Features.Overview;
using ControlPlane.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace ControlPlane.Web.Tests.Components;

public sealed class ShellTests : BunitContext
{
    private readonly InMemoryDatabase _database = new();

    public ShellTests()
    {
        Services.AddMudServices();
        Services.AddSingleton<IDbContextFactory<ControlPlaneDbContext>>(_database);
        Services.AddSingleton(Options.Create(new ControlPlaneOptions { DisplayName = "ControlPlane Test" }));
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero)));
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>The navigation follows the policies; a test signs in as one role and grants what it allows.</summary>
    private void SignInAs(string role)
    {
        var authorization = AddAuthorization();
        authorization.SetAuthorized($"{role.ToLowerInvariant()}@demo.local");
        authorization.SetRoles(role);
        authorization.SetPolicies(Policies.Grants.Where(g => g.Value.Contains(role)).Select(g => g.Key).ToArray());
    }

    [Fact]
    public void Layout_ShowsTheProductNameAndOnlyWorkingPagesInTheNavigation()
    {
        SignInAs(Roles.Admin);
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        Assert.Equal("ControlPlane Test", layout.Find("#app-name").TextContent);
        var links = layout.FindAll("nav a, .mud-nav-link").Select(a => a.GetAttribute("href")).OfType<string>().Distinct().ToList();
        Assert.Equal(["/", "/workloads", "/requests", "/batches", "/sla", "/failovers", "/costs", "/alerts", "/keys", "/users", "/providers", "/settings", "/audit", "/api/docs", "/hangfire"], links);
        Assert.Contains("page body", layout.Markup);
        Assert.Equal("admin@demo.local", layout.Find("#user-name").TextContent);
    }

    [Theory]
    [InlineData(Roles.TechLead, new[] { "/", "/workloads", "/sla", "/failovers", "/alerts", "/api/docs" })]
    [InlineData(Roles.Manager, new[] { "/", "/workloads", "/requests", "/batches", "/sla", "/failovers", "/costs", "/alerts", "/audit", "/api/docs" })]
    [InlineData(Roles.Operator, new[] { "/", "/workloads", "/requests", "/batches", "/sla", "/failovers", "/alerts", "/api/docs", "/hangfire" })]
    public void Navigation_ShowsOnlyWhatTheRoleMayOpen(string role, string[] expected)
    {
        SignInAs(role);
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(_ => { })));

        var links = layout.FindAll(".mud-nav-link").Select(a => a.GetAttribute("href")).OfType<string>().Distinct().ToList();
        Assert.Equal(expected, links);
    }

    [Fact]
    public void ThemeToggle_SwitchesBetweenLightAndDark()
    {
        SignInAs(Roles.Operator);
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(_ => { })));
        // The theme provider writes the active palette as CSS variables: the page background must change.
        var light = Background(layout.Markup);

        layout.Find("#theme-toggle").Click();

        var dark = Background(layout.Markup);
        Assert.NotEqual(light, dark);
        Assert.NotEmpty(dark);
    }

    [Fact]
    public async Task Overview_ShowsCountsFromTheDatabase()
    {
        var seeder = new DemoSeeder(_database, new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger<DemoSeeder>.Instance);
        await seeder.SeedAsync(Xunit.TestContext.Current.CancellationToken);

        var page = Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.Equal("5", page.Find("[data-kpi-value=workloads]").TextContent));
        Assert.Equal("5", page.Find("[data-kpi-value=teams]").TextContent);
        Assert.Equal("0", page.Find("[data-kpi-value=requests]").TextContent);
        Assert.Contains("No requests yet", page.Markup);
        Assert.Contains("3 time-critical · 1 batch-friendly · 1 hybrid", page.Markup);
    }

    [Fact]
    public void Overview_OnAnEmptyDatabase_ExplainsWhatWillAppear()
    {
        var page = Render<OverviewPage>();

        page.WaitForAssertion(() => Assert.Equal("0", page.Find("[data-kpi-value=workloads]").TextContent));
        Assert.Contains("No workloads are configured", page.Markup);
    }

    private static string Background(string markup) =>
        System.Text.RegularExpressions.Regex.Match(markup, "--mud-palette-background:\\s*([^;]+);").Groups[1].Value;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _database.Dispose();
        }
    }
}
