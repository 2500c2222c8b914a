using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>"/workloads": the grid of workloads and its search box.</summary>
public sealed class WorkloadsPage(IPage page, string baseUrl) : AppPage(page, baseUrl)
{
    public const string Path = "/workloads";

    public Task OpenAsync() => GotoAsync(Path);

    public ILocator Rows => Page.Locator("#workloads-grid tbody tr.mud-table-row");

    /// <summary>The slug under each workload's name (the secondary monospace caption in the first column).</summary>
    public ILocator Slugs => Rows.Locator("td:first-child .mono");

    public ILocator SearchBox => Page.GetByPlaceholder("Search name, team, model");

    public Task SearchAsync(string text) => SearchBox.FillAsync(text);
}
