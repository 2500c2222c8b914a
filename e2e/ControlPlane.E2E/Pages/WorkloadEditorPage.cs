using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>"/workloads/new" and "/workloads/{slug}": the form, the recommendation beside it and the history.</summary>
public sealed class WorkloadEditorPage(IPage page, string baseUrl) : AppPage(page, baseUrl)
{
    public Task OpenNewAsync() => GotoAsync("/workloads/new");

    public Task OpenAsync(string slug) => GotoAsync($"/workloads/{slug}");

    public ILocator Field(string name) => Page.Locator($"[data-field=\"{name}\"]");

    public ILocator Slug => Page.Locator("#workload-slug");

    public ILocator RecommendedSegment => Page.Locator("#recommended-segment");

    public ILocator Reasons => Page.Locator("#recommendation-reasons");

    public ILocator SegmentCost(string segment) => Page.Locator($"#segment-costs tr[data-segment=\"{segment}\"]");

    public ILocator BatchOverhead => Page.Locator("#batch-overhead");

    public ILocator NetSaving => Page.Locator("#net-saving");

    public ILocator BreakEven => Page.Locator("#break-even");

    public ILocator AuditEntries => Page.Locator("#audit-history .audit-entry");

    public ILocator AuditEntry(string action) => Page.Locator($"#audit-history .audit-entry[data-action=\"{action}\"]");

    public ILocator ArchivedChip => Page.Locator("#archived-chip");

    /// <summary>Types into a text or number field and leaves it, as a person does, so the form re-validates.</summary>
    public async Task FillAsync(string field, string value)
    {
        var input = Field(field).Locator("input, textarea").First;
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    public async Task FillReasonAsync(string reason)
    {
        await Page.Locator("#override-reason").FillAsync(reason);
        await Page.Locator("#override-reason").PressAsync("Tab");
    }

    /// <summary>Opens a MudSelect and picks the option whose whole text is <paramref name="option"/>.</summary>
    public async Task ChooseAsync(string field, string option)
    {
        await Field(field).Locator(".mud-select").First.ClickAsync();
        var item = Page.Locator(".mud-popover-open .mud-list-item")
            .Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(option)}\\s*$") });
        await item.First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    public Task ChooseSegmentAsync(string label) =>
        Field("Segment").GetByText(label, new() { Exact = true }).ClickAsync();

    public Task SaveAsync() => Page.Locator("#save-workload").ClickAsync();

    public Task ToggleArchivedAsync() => Page.Locator("#archive-toggle").ClickAsync();
}
