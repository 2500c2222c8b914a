using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Journeys;

/// <summary>What a role may read but not change, as the person in that role sees it.</summary>
public sealed class RoleLimitsJourneys(AppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    [Fact]
    public async Task Operator_OpensAWorkload_ReadsItButCannotEditIt()
    {
        await SignInAsAsync("Operator");

        await Page.GotoAsync(App.BaseUrl + "/workloads/customer-chatbot");
        await Page.Locator("[data-interactive=true]").WaitForAsync();

        await Expect(Page.Locator("#read-only-notice")).ToContainTextAsync("Only an admin, or a tech lead of the workload's team, may change it.");
        await Expect(Page.Locator("#save-workload")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#archive-toggle")).ToHaveCountAsync(0);
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("Operator_WorkloadReadOnly"), FullPage = true });
    }

    [Fact]
    public async Task Manager_OpensAStalledBatchJob_IsOfferedNoPromotion_WhileAnOperatorIs()
    {
        var jobId = await StalledJobAsync();

        await SignInAsAsync("Manager");
        await Page.GotoAsync($"{App.BaseUrl}/batches/{jobId}");
        await Page.Locator("[data-interactive=true]").WaitForAsync();
        await Expect(Page.GetByText("past the stall limit")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=promote]")).ToHaveCountAsync(0);
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("Manager_BatchJobWithoutActions"), FullPage = true });

        await Page.Context.ClearCookiesAsync();
        await SignInAsAsync("Operator");
        await Page.GotoAsync($"{App.BaseUrl}/batches/{jobId}");
        await Page.Locator("[data-interactive=true]").WaitForAsync();
        await Expect(Page.Locator("[data-testid=promote]")).ToBeVisibleAsync();
    }

    private async Task SignInAsAsync(string role)
    {
        var signIn = new SignInPage(Page, App.BaseUrl);
        await signIn.OpenAsync();
        await signIn.SignInAsync(SignInPage.DemoEmail(role));
    }

    /// <summary>An empty job that has not moved for longer than document-processing's 6 h stall limit.</summary>
    private async Task<Guid> StalledJobAsync()
    {
        var factory = App.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
        await using var db = await factory.CreateDbContextAsync(TestContext.Current.CancellationToken);
        var workload = await db.Workloads.AsNoTracking().SingleAsync(w => w.Slug == "document-processing", TestContext.Current.CancellationToken);
        var job = new BatchJob(workload.BatchModel!, DateTimeOffset.UtcNow.AddHours(-7), workload.Id);
        db.BatchJobs.Add(job);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return job.Id;
    }
}
