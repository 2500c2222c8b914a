using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>
/// "/batches" (every batch job with its status, stuck badge, progress and cost; refreshes itself) and "/batches/{id}"
/// (one job: status, why it is stuck, the operator's actions, the promote dialog, the status timeline and its items).
/// </summary>
public sealed partial class BatchJobsPage(IPage page, string baseUrl) : AppPage(page, baseUrl)
{
    public const string Path = "/batches";

    public Task OpenAsync() => GotoAsync(Path);

    public Task OpenJobByUrlAsync(Guid jobId) => GotoAsync($"{Path}/{jobId}");

    // ---- the list ----

    public ILocator Rows => Page.Locator("#batches-grid tbody tr.mud-table-row");

    /// <summary>The rows of one workload's jobs, by the workload name the list shows ("Document processing").</summary>
    public ILocator RowsOf(string workloadName) => Rows.Filter(new() { HasTextString = workloadName });

    /// <summary>The "Stuck" chip of a row; its tooltip says why.</summary>
    public static ILocator StuckBadge(ILocator row) => row.Locator("[data-testid=stuck-badge]");

    /// <summary>The status chip of a row ("InProgress", "Promoted", …).</summary>
    public static ILocator RowStatus(ILocator row) => row.Locator("td").First.Locator(".mud-chip").First;

    /// <summary>The caption under a row's progress bar: "5 done · 0 failed".</summary>
    public static ILocator RowProgress(ILocator row) => row.Locator("td").Nth(2).Locator(".mud-typography");

    /// <summary>A row's Requests column: how many requests the job carries.</summary>
    public static ILocator RowRequests(ILocator row) => row.Locator("td").Nth(3);

    public ILocator NeedsAttentionOnly => Page.Locator("#batches-grid .mud-switch").Filter(new() { HasTextString = "Needs attention only" });

    public Task ShowNeedsAttentionOnlyAsync() => NeedsAttentionOnly.Locator("input").CheckAsync();

    /// <summary>Clicks a row and waits for that job's page; returns the job id from the address.</summary>
    public async Task<Guid> OpenJobAsync(ILocator row)
    {
        await row.Locator("td").Nth(1).ClickAsync();
        // Blazor navigates inside the page (history.pushState): poll for the address rather than wait for a
        // navigation event, which can pass before a waiter is listening.
        await Assertions.Expect(Page).ToHaveURLAsync(JobAddress());
        await JobStatus.WaitForAsync();
        return Guid.Parse(JobAddress().Match(Page.Url).Groups[1].Value);
    }

    // ---- one job ----

    public ILocator JobStatus => Page.Locator("[data-testid=job-status]");

    /// <summary>Why the job is stuck (or needs an operator), in the product's words.</summary>
    public ILocator StuckReason => Page.Locator("[data-testid=stuck-reason]");

    public ILocator PromoteButton => Page.Locator("[data-testid=promote]");

    /// <summary>What the last action did ("Promoted: its unfinished requests are being sent in real time.").</summary>
    public ILocator ActionMessage => Page.Locator("[data-testid=action-message]");

    /// <summary>The job's progress bar; its <c>aria-valuenow</c> is the share of requests with an outcome, in percent.</summary>
    public ILocator Progress => Page.Locator("[data-testid=job-progress]");

    /// <summary>The paragraph under the progress bar: provider counts, then "Requests now: 5 Succeeded." by status.</summary>
    public ILocator RequestsNow => Page.Locator("p").Filter(new() { HasTextRegex = new Regex("Requests now:") });

    /// <summary>The status timeline's entries (assembled, submitted, status, and each audited action with who and why).</summary>
    public ILocator TimelineEntries => Page.Locator(".mud-timeline-item");

    public ILocator ItemRows => Page.Locator("#batch-items tbody tr.mud-table-row");

    /// <summary>The Status column of the items table, one text per request on the page.</summary>
    public ILocator ItemStatuses => ItemRows.Locator("td:nth-child(2)");

    // ---- the promote dialog ----

    public ILocator PromoteDialog => Page.Locator(".mud-dialog").Filter(new() { HasTextString = "Promote to real time" });

    /// <summary>The number of requests the dialog says will be sent in real time.</summary>
    public ILocator PromoteRequestCount => PromoteDialog.Locator(".mud-dialog-content b").First;

    public ILocator PromoteEstimatedCost => PromoteDialog.Locator("[data-testid=promote-cost]");

    public ILocator PromoteExtraCost => PromoteDialog.Locator("[data-testid=promote-extra]");

    public ILocator PromoteBudgetLeft => PromoteDialog.Locator("[data-testid=promote-budget]");

    public ILocator PromoteConfirm => PromoteDialog.Locator("[data-testid=promote-confirm]");

    /// <summary>Opens the promote dialog from the job's page.</summary>
    public async Task OpenPromoteDialogAsync()
    {
        await PromoteButton.ClickAsync();
        await PromoteDialog.WaitForAsync();
    }

    /// <summary>Types the reason the audit log keeps and confirms the promotion.</summary>
    public async Task ConfirmPromotionAsync(string reason)
    {
        var field = PromoteDialog.GetByLabel("Why (kept in the audit log)");
        await field.FillAsync(reason);
        await field.PressAsync("Tab");
        await PromoteConfirm.ClickAsync();
        await PromoteDialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    [GeneratedRegex(@"/batches/([0-9a-fA-F-]{36})$")]
    private static partial Regex JobAddress();
}
