using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Journeys;

public sealed class WorkloadsJourneys(AppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    /// <summary>The five demo workloads DESIGN.md names.</summary>
    private static readonly string[] DemoSlugs =
        ["customer-chatbot", "document-processing", "predictive-analytics", "content-moderation", "data-enrichment"];

    [Fact]
    public async Task Workloads_ListsTheFiveDemoWorkloads()
    {
        var workloads = new WorkloadsPage(Page, App.BaseUrl);
        await workloads.OpenAsync();

        await Expect(workloads.Slugs).ToHaveCountAsync(DemoSlugs.Length);
        Assert.Equal(DemoSlugs.Order(), (await workloads.Slugs.AllInnerTextsAsync()).Select(s => s.Trim()).Order());

        await workloads.SearchAsync("moderation");

        await Expect(workloads.Slugs).ToHaveCountAsync(1);
        await Expect(workloads.Slugs).ToHaveTextAsync("content-moderation");
    }

    [Fact]
    public async Task Drawer_WorkloadsLink_OpensTheWorkloadsPage()
    {
        var overview = new OverviewPage(Page, App.BaseUrl);
        await overview.OpenAsync();
        await Expect(overview.Heading).ToHaveTextAsync("Overview");

        await overview.DrawerLink("Workloads").ClickAsync();

        await Expect(Page).ToHaveURLAsync(App.BaseUrl + WorkloadsPage.Path);
        var workloads = new WorkloadsPage(Page, App.BaseUrl);
        await Expect(workloads.Heading).ToHaveTextAsync("Workloads");
        await Expect(workloads.Slugs).ToHaveCountAsync(DemoSlugs.Length);
        await Expect(workloads.DrawerLink("Workloads")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
    }
}
