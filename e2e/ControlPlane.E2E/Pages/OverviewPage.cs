using System.Globalization;
using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>"/": the KPI cards.</summary>
public sealed class OverviewPage(IPage page, string baseUrl) : AppPage(page, baseUrl)
{
    public Task OpenAsync() => GotoAsync("/");

    public ILocator Kpi(string id) => Page.Locator($"[data-kpi-value=\"{id}\"]");

    /// <summary>The number a person reads on a KPI card; the page formats with group separators ("1,234").</summary>
    public async Task<int> KpiValueAsync(string id)
    {
        var text = await Kpi(id).InnerTextAsync();
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        return digits.Length > 0
            ? int.Parse(digits, CultureInfo.InvariantCulture)
            : throw new FormatException($"KPI '{id}' shows '{text}', not a number.");
    }
}
