using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ControlPlane.E2E.Pages;

/// <summary>"/costs": KPI cards, the spend chart and breakdown table with its CSV, the what-if card.</summary>
public sealed partial class CostsPage(IPage page, string baseUrl) : AppPage(page, baseUrl)
{
    public const string Path = "/costs";

    public Task OpenAsync() => GotoAsync(Path);

    public ILocator SpendChart => Page.Locator("#chart-spend svg.apexcharts-svg");

    /// <summary>The drawn bars/areas of the spend chart (ApexCharts draws each data point of a series as a path).</summary>
    public ILocator SpendChartPaths => Page.Locator("#chart-spend .apexcharts-series path");

    public ILocator Range(string id) => Page.Locator($"#range-{id}");

    public ILocator RangeLabel => Page.Locator("[data-range]");

    public ILocator GroupOption(string text) =>
        Page.Locator("#cost-group .mud-toggle-item").Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(text)}\\s*$") });

    public ILocator TableHeader => Page.Locator("#cost-table thead th").First;

    public ILocator TableKeys => Page.Locator("#cost-table [data-cost-key]");

    public ILocator TotalSpend => Page.Locator("#cost-total-spend");

    public ILocator CsvButton => Page.Locator("#cost-csv");

    public ILocator WhatIfNet => Page.Locator("#whatif-net");

    public ILocator WhatIfSlider => Page.Locator("#whatif-card input[type=range]");

    /// <summary>The table as a person reads it: key → spend text of each row.</summary>
    public async Task<IReadOnlyList<(string Key, string Requests, string Spend)>> RowsAsync()
    {
        var rows = new List<(string, string, string)>();
        foreach (var row in await Page.Locator("#cost-table tbody tr").AllAsync())
        {
            var cells = await row.Locator("td").AllInnerTextsAsync();
            rows.Add((cells[0].Trim(), cells[1].Trim(), cells[2].Trim()));
        }
        return rows;
    }

    /// <summary>Picks a workload in the what-if card's select.</summary>
    public async Task ChooseWhatIfWorkloadAsync(string name)
    {
        await Page.Locator("#whatif-card .mud-select").First.ClickAsync();
        var item = Page.Locator(".mud-popover-open .mud-list-item")
            .Filter(new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(name)}\\s*$") });
        await item.First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }

    /// <summary>Moves the what-if slider the way a keyboard user does: focus, then Home and arrow steps of 5 %.</summary>
    public async Task SetWhatIfPercentAsync(int percent)
    {
        await WhatIfSlider.FocusAsync();
        await WhatIfSlider.PressAsync("Home");
        for (var i = 0; i < percent / 5; i++)
        {
            await WhatIfSlider.PressAsync("ArrowRight");
        }
    }

    /// <summary>A money figure as the page formats it: "$1,234.56" or "-$1,234.56", with an optional "/ month".</summary>
    public static decimal ParseMoney(string text)
    {
        var match = MoneyPattern().Match(text);
        return match.Success
            ? decimal.Parse(match.Groups[2].Value, NumberStyles.AllowThousands | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * (match.Groups[1].Value == "-" ? -1 : 1)
            : throw new FormatException($"'{text}' is not a money figure.");
    }

    /// <summary>How the page writes an amount.</summary>
    public static string MoneyText(decimal value) => value.ToString("$#,0.00;-$#,0.00", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(-?)\$([\d,]+(?:\.\d+)?)")]
    private static partial Regex MoneyPattern();
}
