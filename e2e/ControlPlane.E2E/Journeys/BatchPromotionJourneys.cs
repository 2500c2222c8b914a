using System.Globalization;
using System.Net;
using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Pages;
using ControlPlane.Jobs.Batches;
using ControlPlane.Web.Features.Batches;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Journeys;

/// <summary>
/// Issue #5: an operator promotes a stuck Simulator batch job to real time and watches its requests finish. The job
/// is made the way production makes one: requests through the API, the real assembly job, the submit job run by the
/// app's Hangfire server, the real stuck detection; the promotion the operator confirms runs in that Hangfire server.
/// </summary>
[Collection(nameof(OperationsAppCollection))]
public sealed class BatchPromotionJourneys(OperationsAppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    private const string Workload = "document-processing";
    private const string WorkloadName = "Document processing";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Operator_PromotesAStuckSimulatorJob_AndSeesItsRequestsSucceedInRealTime()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var jobId = await StuckJobAsync(cancellationToken);
        var estimate = await App.Services.GetRequiredService<BatchPromotion>().EstimateAsync(jobId, cancellationToken);
        Assert.NotNull(estimate);
        Assert.Equal(OperationsAppFixture.BatchSize, estimate.Requests);

        var signIn = new SignInPage(Page, App.BaseUrl);
        await signIn.OpenAsync();
        await signIn.SignInAsync(SignInPage.DemoEmail("Operator"));
        var batches = new BatchJobsPage(Page, App.BaseUrl);
        await batches.OpenAsync();
        await Expect(batches.Heading).ToHaveTextAsync("Batch jobs");

        // The job needs attention: the list, narrowed to what needs attention, shows it with the stuck badge.
        await batches.ShowNeedsAttentionOnlyAsync();
        var row = batches.RowsOf(WorkloadName);
        await Expect(row).ToHaveCountAsync(1);
        await Expect(BatchJobsPage.StuckBadge(row)).ToHaveTextAsync("Stuck");
        await Expect(BatchJobsPage.RowRequests(row)).ToHaveTextAsync(OperationsAppFixture.BatchSize.ToString(CultureInfo.InvariantCulture));
        await Expect(BatchJobsPage.RowProgress(row)).ToHaveTextAsync("0 done · 0 failed");
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("Batches_StuckJobInTheList"), FullPage = true });

        Assert.Equal(jobId, await batches.OpenJobAsync(row));
        await Expect(batches.StuckReason).ToContainTextAsync("inside the promotion margin of 2 h");
        await Expect(batches.StuckReason).ToContainTextAsync("The workload's policy leaves promotion to an operator.");
        await Expect(batches.RequestsNow).ToContainTextAsync($"{OperationsAppFixture.BatchSize} InBatch");

        // The confirmation says how many requests go to real time and what that costs on top of the batch price.
        await batches.OpenPromoteDialogAsync();
        await Expect(batches.PromoteRequestCount).ToHaveTextAsync(OperationsAppFixture.BatchSize.ToString(CultureInfo.InvariantCulture));
        await Expect(batches.PromoteConfirm).ToHaveTextAsync($"Promote {OperationsAppFixture.BatchSize} requests");
        await Expect(batches.PromoteEstimatedCost).ToHaveTextAsync(BatchText.Money(estimate.EstimatedRealtimeCost));
        await Expect(batches.PromoteExtraCost).ToHaveTextAsync(BatchText.Money(estimate.ExtraCost));
        Assert.True(estimate.ExtraCost > 0, "Real time costs more than the discounted batch price.");
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("Batches_PromoteConfirmation"), FullPage = true });

        const string reason = "Contracts are due before the batch can finish";
        await batches.ConfirmPromotionAsync(reason);
        await Expect(batches.ActionMessage).ToHaveTextAsync("Promoted: its unfinished requests are being sent in real time.");
        await Expect(batches.JobStatus).ToHaveTextAsync("Promoted");
        await Expect(batches.StuckReason).ToHaveCountAsync(0);
        var promotedEntry = batches.TimelineEntries.Filter(new() { HasTextString = "Promoted to real time" });
        await Expect(promotedEntry).ToContainTextAsync(SignInPage.DemoEmail("Operator"));
        await Expect(promotedEntry).ToContainTextAsync($"“{reason}”");

        // No reload by hand: the page follows the requests as the app's Hangfire server sends them in real time.
        await Expect(batches.RequestsNow).ToContainTextAsync($"Requests now: {OperationsAppFixture.BatchSize} Succeeded.", new() { Timeout = 30_000 });
        await Expect(batches.ItemStatuses).ToHaveTextAsync(Enumerable.Repeat("Succeeded", OperationsAppFixture.BatchSize).ToArray());
        // The provider finished none of them, yet every request has its answer: the job is done.
        await Expect(batches.Progress).ToHaveAttributeAsync("aria-valuenow", "100");
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("Batches_PromotedJobSucceeded"), FullPage = true });

        // The explorer tells the same story: every request of the job answered in real time, promoted from batch.
        var requests = new RequestsPage(Page, App.BaseUrl);
        await requests.OpenAsync();
        await requests.FilterByWorkloadAsync(Workload);
        await Expect(requests.Rows).ToHaveCountAsync(OperationsAppFixture.BatchSize);
        await Expect(requests.Rows.Locator(".mud-chip")).ToHaveTextAsync(Enumerable.Repeat("Succeeded", OperationsAppFixture.BatchSize).ToArray());
        var ids = await JobRequestIdsAsync(jobId, cancellationToken);
        foreach (var id in ids)
        {
            Assert.Equal("Real time", await requests.RowCellAsync(id, "Mode"));
        }
        await requests.OpenDetailAsync(ids[0]);
        await Expect(requests.Fact("Batch job")).ToHaveTextAsync(jobId.ToString());
        var timeline = await requests.TimelineEventTypesAsync();
        Assert.Equal(["Received", "Routed", "Queued", "AddedToBatch", "Promoted", "Dispatched"], timeline.Take(6));
        Assert.Equal("Succeeded", timeline[^1]);
        await Expect(requests.TimelineEntry("Promoted")).ToContainTextAsync(reason);

        // Back on the list, the job is promoted and no longer flagged.
        await batches.OpenAsync();
        var promoted = batches.Rows.Filter(new() { HasTextString = WorkloadName });
        await Expect(BatchJobsPage.RowStatus(promoted)).ToHaveTextAsync("Promoted");
        await Expect(BatchJobsPage.StuckBadge(promoted)).ToHaveCountAsync(0);
        await Expect(BatchJobsPage.RowProgress(promoted)).ToHaveTextAsync($"{OperationsAppFixture.BatchSize} done · 0 failed");
    }

    /// <summary>
    /// A Simulator batch job whose earliest deadline is inside its workload's promotion margin, flagged by stuck
    /// detection for an operator. Document processing promotes stuck jobs by itself by default, so it is first set to
    /// leave promotion to an operator (in this app only).
    /// </summary>
    private async Task<Guid> StuckJobAsync(CancellationToken cancellationToken)
    {
        var factory = App.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var workload = await db.Workloads.SingleAsync(w => w.Slug == Workload, cancellationToken);
            workload.Promotion = workload.Promotion with { AutoPromote = false };
            await db.SaveChangesAsync(cancellationToken);
        }

        // Contracts due within the hour: the workload is batch-friendly, so they go to batch all the same, and a
        // deadline one hour away is inside its two-hour promotion margin.
        using var api = App.CreateApiClient();
        var sent = new List<Guid>();
        for (var i = 1; i <= OperationsAppFixture.BatchSize; i++)
        {
            var request = await RequestApi.SubmitAsync(api, RequestApi.Body(Workload, $"Extract the parties of contract {i}.", "PT1H"), cancellationToken);
            Assert.Equal((HttpStatusCode.Accepted, "Queued"), (request.StatusCode, request.Status));
            sent.Add(request.Id);
        }

        // The assembly job the schedule runs every 15 s, called now; it hands the job to the Hangfire server to submit.
        var jobId = Guid.Empty;
        await EventuallyAsync(async () =>
        {
            await App.Services.GetRequiredService<BatchAssemblyJob>().RunAsync(cancellationToken);
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var jobs = await db.Requests.AsNoTracking().Where(r => sent.Contains(r.Id)).Select(r => r.BatchJobId).Distinct().ToListAsync(cancellationToken);
            jobId = jobs is [{ } one] ? one : Guid.Empty;
            return jobId != Guid.Empty;
        }, $"the {OperationsAppFixture.BatchSize} requests in one batch job", cancellationToken);
        await EventuallyAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var job = await db.BatchJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, cancellationToken);
            if (job.ProviderBatchId is not null && job.Status is BatchJobStatus.Submitted or BatchJobStatus.InProgress)
            {
                return true;
            }
            // The submit job the assembly handed to the Hangfire server, also run here ("Trigger now"): a busy test
            // machine may leave Hangfire's queue unpolled for a while. The job claims its batch job under a lease, so
            // whichever run comes second finds it submitted and does nothing.
            await App.Services.GetRequiredService<BatchSubmitJob>().RunAsync(jobId, cancellationToken);
            return false;
        }, "the batch job submitted to the Simulator", cancellationToken);

        var stuck = await App.Services.GetRequiredService<BatchStuckDetectionJob>().RunAsync(cancellationToken);
        Assert.Contains(jobId, stuck);
        return jobId;
    }

    private async Task<List<Guid>> JobRequestIdsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>().CreateDbContextAsync(cancellationToken);
        var ids = await db.Requests.AsNoTracking().Where(r => r.BatchJobId == jobId && r.Status == RequestStatus.Succeeded)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        Assert.Equal(OperationsAppFixture.BatchSize, ids.Count);
        return ids;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> probe, string what, CancellationToken cancellationToken)
    {
        var giveUp = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            if (await probe())
            {
                return;
            }
            if (DateTimeOffset.UtcNow > giveUp)
            {
                Assert.Fail($"Waited {Patience.TotalSeconds:0} s for {what}.");
            }
            await Task.Delay(250, cancellationToken);
        }
    }
}
