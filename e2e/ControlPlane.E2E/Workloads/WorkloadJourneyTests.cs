using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Journeys;
using ControlPlane.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Workloads;

/// <summary>
/// Runs alone, after the parallel journeys: it adds a workload to the shared app, and other journeys count them.
/// It archives what it created, so the list is as the demo seeded it when it ends.
/// </summary>
[CollectionDefinition(nameof(WorkloadJourneyCollection), DisableParallelization = true)]
public sealed class WorkloadJourneyCollection;

[Collection(nameof(WorkloadJourneyCollection))]
public sealed class WorkloadJourneyTests(AppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    private const string Slug = "nightly-catalogue-summaries";

    [Fact]
    public async Task TechLead_CreatesHybridWorkload_ReadsAdvice_ChangesSegment_SeesAudit()
    {
        // The demo tech lead belongs to Data Platform, so may create and change its workloads.
        var signIn = new SignInPage(Page, App.BaseUrl);
        await signIn.OpenAsync();
        await signIn.SignInAsync(SignInPage.DemoEmail("TechLead"));
        var editor = new WorkloadEditorPage(Page, App.BaseUrl);
        await editor.OpenNewAsync();
        await Expect(editor.Heading).ToHaveTextAsync("New workload");

        await editor.FillAsync("Name", "Nightly catalogue summaries");
        await Expect(editor.Slug).ToHaveValueAsync(Slug);
        await editor.ChooseAsync("TeamId", "Data Platform");
        await editor.ChooseSegmentAsync("Hybrid");
        await editor.FillAsync("DefaultDeadlineHours", "12");
        await editor.ChooseAsync("RealtimeModel", "openai/gpt-4o");
        await editor.ChooseAsync("BatchModel", "openai/gpt-4o");
        await editor.FillAsync("DailyRequests", "200000");
        await editor.FillAsync("MeanInputTokens", "2000");
        await editor.FillAsync("MeanOutputTokens", "500");

        // 200,000 requests/day × $0.01 (2,000 in at $2.50/M + 500 out at $10/M) = $60,000/month in real time;
        // half through batch at 50 % off saves $15,000, which beats the seeded $7,200/month of batch overhead.
        await Expect(editor.RecommendedSegment).ToHaveAttributeAsync("data-segment", "Hybrid");
        await Expect(editor.SegmentCost("TimeCritical")).ToContainTextAsync("$60,000");
        await Expect(editor.SegmentCost("BatchFriendly")).ToContainTextAsync("$30,000");
        await Expect(editor.SegmentCost("Hybrid")).ToContainTextAsync("$45,000");
        await Expect(editor.BatchOverhead).ToContainTextAsync("$7,200");
        await Expect(editor.NetSaving).ToContainTextAsync("$7,800");
        await Expect(editor.Reasons).ToContainTextAsync("route each request by its deadline");
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("WorkloadEditor_NewHybridWithRecommendation"), FullPage = true });

        await editor.SaveAsync();
        await Expect(Page).ToHaveURLAsync($"{App.BaseUrl}/workloads/{Slug}");

        await Page.ReloadAsync();
        await editor.WaitUntilInteractiveAsync();
        await Expect(editor.Heading).ToHaveTextAsync("Nightly catalogue summaries");
        await Expect(editor.AuditEntry("Created")).ToContainTextAsync("techlead@demo.local");

        await editor.ChooseSegmentAsync("Batch-friendly");
        await editor.FillAsync("CompletionDeadlineHours", "30");
        await Expect(editor.Field("CompletionDeadlineHours")).ToContainTextAsync("longer than OpenAI's 24 h batch window");
        await editor.FillAsync("CompletionDeadlineHours", "20");
        await editor.SaveAsync();
        await Expect(editor.Field("OverrideReason")).ToContainTextAsync("say why");
        await editor.FillReasonAsync("Summaries are read the next morning.");
        await editor.SaveAsync();

        var change = editor.AuditEntry("Segment changed");
        await Expect(change).ToContainTextAsync("Segment: Hybrid → Batch-friendly");
        await Expect(change).ToContainTextAsync("Reason: Summaries are read the next morning.");
        await Expect(editor.AuditEntries).ToHaveCountAsync(2);

        await editor.ToggleArchivedAsync();
        await Expect(editor.ArchivedChip).ToBeVisibleAsync();
        await Expect(editor.AuditEntry("Archived")).ToBeVisibleAsync();
        var list = new WorkloadsPage(Page, App.BaseUrl);
        await list.OpenAsync();
        await Expect(list.Rows.First).ToBeVisibleAsync();
        await Expect(list.Slugs.Filter(new() { HasText = Slug })).ToHaveCountAsync(0);
    }
}
