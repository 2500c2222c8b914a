using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>
/// "/requests" (the explorer: filters over a server-paged grid, newest first) and "/requests/{id}" (one request: the
/// facts table with the routing reason and cost, and the event timeline). A row opens its request's page.
/// </summary>
public sealed class RequestsPage(IPage page, string baseUrl) : AppPage(page, baseUrl)
{
    public const string Path = "/requests";

    public Task OpenAsync() => GotoAsync(Path);

    /// <summary>Opens a request's page straight from its address, as from a bookmark or a link in a log.</summary>
    public Task OpenDetailByUrlAsync(Guid id) => GotoAsync($"{Path}/{id}");

    // ---- the explorer ----

    public ILocator Rows => Page.Locator("#requests-grid tbody tr.mud-table-row");

    /// <summary>The grid row of one request; the first column shows the start of its id.</summary>
    public ILocator Row(Guid id) => Rows.Filter(new() { Has = Page.Locator($"[data-request-id=\"{id}\"]") });

    /// <summary>The status chip of a request's row ("Succeeded", "Queued", …).</summary>
    public ILocator RowStatus(Guid id) => Row(id).Locator(".mud-chip");

    /// <summary>A cell of a request's row by its column title ("Workload", "Mode", "Cost (USD)", …).</summary>
    public async Task<string> RowCellAsync(Guid id, string column)
    {
        var titles = (await Page.Locator("#requests-grid thead th").AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
        var index = titles.IndexOf(column);
        if (index < 0)
        {
            throw new ArgumentException($"The explorer has no column '{column}'; it has {string.Join(", ", titles)}.", nameof(column));
        }
        return (await Row(id).Locator("td").Nth(index).InnerTextAsync()).Trim();
    }

    public Task FilterByWorkloadAsync(string slug) => ChooseAsync("Workload", slug);

    /// <summary>Status as the filter names it: "Succeeded", "Queued", "InBatch", "Promoted", …</summary>
    public Task FilterByStatusAsync(string status) => ChooseAsync("Status", status);

    /// <summary>"Real time" or "Batch".</summary>
    public Task FilterByModeAsync(string mode) => ChooseAsync("Mode", mode);

    public Task FilterByTeamAsync(string team) => ChooseAsync("Team", team);

    /// <summary>Clicks a request's row and waits for its page, as a person opens a request from the list.</summary>
    public async Task OpenDetailAsync(Guid id)
    {
        await Row(id).Locator("td").First.ClickAsync();
        // Blazor navigates inside the page (history.pushState): poll for the address and the heading rather than
        // wait for a navigation event, which can pass before a waiter is listening.
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"{Regex.Escape($"{Path}/{id}")}$", RegexOptions.IgnoreCase));
        await DetailHeading.Filter(new() { HasTextString = id.ToString() }).WaitForAsync();
    }

    // ---- one request ----

    public ILocator DetailHeading => Page.Locator("h1");

    /// <summary>The status chip beside the request's id in the heading.</summary>
    public ILocator DetailStatus => DetailHeading.Locator(".mud-chip");

    /// <summary>"Why": the routing decision in words.</summary>
    public ILocator RoutingReason => Page.Locator("#routing-reason");

    /// <summary>A row of the facts table by its label: "Mode", "Provider / model", "Cost", "Batch job", "Attempts", …</summary>
    public ILocator Fact(string label) =>
        Page.Locator("#request-facts tr").Filter(new() { Has = Page.Locator("th", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(label)}\\s*$") }) })
            .Locator("td");

    public ILocator Cost => Fact("Cost");

    /// <summary>Each step of the timeline; its bold text is the event type.</summary>
    public ILocator TimelineEntries => Page.Locator("#timeline .mud-timeline-item");

    /// <summary>The event types of the timeline in the order shown (oldest first): "Received", "Routed", "Dispatched", …</summary>
    public async Task<IReadOnlyList<string>> TimelineEventTypesAsync() =>
        (await TimelineEntries.Locator("b").AllInnerTextsAsync()).Select(t => t.Trim()).ToList();

    /// <summary>The timeline entry of one event type (first if several, e.g. one Dispatched per attempt).</summary>
    public ILocator TimelineEntry(string eventType) =>
        TimelineEntries.Filter(new() { Has = Page.Locator("b", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(eventType)}\\s*$") }) }).First;

    public async Task<string> ReadRoutingReasonAsync() => (await RoutingReason.InnerTextAsync()).Trim();

    /// <summary>Opens a filter's MudSelect by its label and picks the option whose whole text is <paramref name="option"/>.</summary>
    private async Task ChooseAsync(string label, string option)
    {
        var select = Page.Locator(".mud-select").Filter(new()
        {
            Has = Page.Locator("label", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(label)}\\s*$") }),
        });
        await select.First.ClickAsync();
        var item = Page.Locator(".mud-popover-open .mud-list-item")
            .Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(option)}\\s*$") });
        await item.First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }
}
