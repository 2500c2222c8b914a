using ControlPlane.Domain;
using ControlPlane.Domain.Persistence;
using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Journeys;

public sealed class OverviewJourneys(AppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    [Fact]
    public async Task Overview_ShowsCountsFromTheDatabase()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var overview = new OverviewPage(Page, App.BaseUrl);
        await overview.OpenAsync();

        await using var db = await App.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>()
            .CreateDbContextAsync(cancellationToken);
        var expected = new Dictionary<string, int>
        {
            ["workloads"] = await db.Workloads.CountAsync(w => !w.IsArchived, cancellationToken),
            ["requests"] = await db.Requests.CountAsync(cancellationToken),
            ["batch-jobs"] = await db.BatchJobs.CountAsync(cancellationToken),
            ["teams"] = await db.Teams.CountAsync(cancellationToken),
        };
        // The demo seed ran: otherwise "0 equals 0" would prove nothing.
        Assert.True(expected["workloads"] > 0 && expected["teams"] > 0, "The demo data was not seeded.");

        foreach (var (kpi, count) in expected)
        {
            Assert.Equal((kpi, count), (kpi, await overview.KpiValueAsync(kpi)));
        }
        var displayName = App.Services.GetRequiredService<IOptions<ControlPlaneOptions>>().Value.DisplayName;
        await Expect(overview.AppName).ToHaveTextAsync(displayName);
        await Expect(Page).ToHaveTitleAsync($"Overview · {displayName}");
    }

    [Fact]
    public async Task ThemeToggle_SwitchesToDarkMode()
    {
        var overview = new OverviewPage(Page, App.BaseUrl);
        await overview.OpenAsync();
        var light = Luminance(await overview.BackgroundColorAsync());
        Assert.True(light > 0.8, $"The page should open in light mode; background luminance is {light:F2}.");

        await overview.ThemeToggle.ClickAsync();

        // The palette is swapped by a re-render over the circuit: poll for the painted background.
        await Expect(Page.Locator("body")).Not.ToHaveCSSAsync("background-color", "rgb(245, 246, 250)");
        var dark = Luminance(await overview.BackgroundColorAsync());
        Assert.True(dark < 0.3, $"Dark mode should paint a dark background; luminance is {dark:F2}.");
        // The toggle now offers the way back.
        await overview.ThemeToggle.HoverAsync();
        await Expect(Page.GetByText("Switch to light mode")).ToBeVisibleAsync();
    }

    /// <summary>Relative luminance (0 black .. 1 white) of a computed CSS colour like <c>rgb(245, 246, 250)</c>.</summary>
    private static double Luminance(string cssColor)
    {
        var channels = cssColor[(cssColor.IndexOf('(', StringComparison.Ordinal) + 1)..cssColor.IndexOf(')', StringComparison.Ordinal)]
            .Split(',').Take(3).Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture) / 255).ToArray();
        return (0.2126 * channels[0]) + (0.7152 * channels[1]) + (0.0722 * channels[2]);
    }
}
