using System.Globalization;
using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Journeys;

/// <summary>The manager's journey through costs and TCO, on a month of finished traffic.</summary>
[Collection(nameof(FinishedTrafficCollection))]
public sealed class CostsJourneys(AppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    [Fact]
    public async Task Manager_ReviewsCosts_ChartsRangesBreakdownWhatIfAndCsvAgree()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await FinishedTraffic.EnsureAsync(App.Services, cancellationToken);
        var signIn = new SignInPage(Page, App.BaseUrl);
        await signIn.OpenAsync();
        await signIn.SignInAsync(SignInPage.DemoEmail("Manager"));
        var costs = new CostsPage(Page, App.BaseUrl);
        await costs.OpenAsync();
        await Expect(costs.Heading).ToHaveTextAsync("Costs and total cost of ownership");

        // The spend chart is drawn, with bars.
        await Expect(costs.SpendChart).ToHaveCountAsync(1);
        await Expect(costs.SpendChartPaths.First).ToBeAttachedAsync();

        // A shorter range holds less spend than the month.
        var month = CostsPage.ParseMoney(await costs.TotalSpend.InnerTextAsync());
        Assert.True(month > 0, "The month of finished traffic should show spend.");
        await costs.Range("7d").ClickAsync();
        await Expect(costs.RangeLabel).ToHaveAttributeAsync("data-range", "7 d");
        var week = CostsPage.ParseMoney(await costs.TotalSpend.InnerTextAsync());
        Assert.InRange(week, 0.01m, month - 0.01m);
        await costs.Range("24h").ClickAsync();
        await Expect(costs.RangeLabel).ToHaveAttributeAsync("data-range", "24 h");
        await costs.Range("30d").ClickAsync();
        await Expect(costs.RangeLabel).ToHaveAttributeAsync("data-range", "30 d");
        await Expect(costs.TotalSpend).ToHaveTextAsync(CostsPage.MoneyText(month));

        // Break the spend down by workload: one row per demo workload that had traffic, same total.
        await costs.GroupOption("by workload").ClickAsync();
        await Expect(costs.TableHeader).ToHaveTextAsync("Workload");
        await Expect(costs.TableKeys).ToHaveCountAsync(5);
        await Expect(costs.TotalSpend).ToHaveTextAsync(CostsPage.MoneyText(month));
        await Expect(costs.SpendChart).ToHaveCountAsync(1);

        // The what-if: moving more of the chatbot's traffic to batch changes the net.
        await costs.ChooseWhatIfWorkloadAsync("Customer chatbot");
        var before = await costs.WhatIfNet.InnerTextAsync();
        await costs.SetWhatIfPercentAsync(100);
        await Expect(costs.WhatIfNet).Not.ToHaveTextAsync(before);
        var rows = await costs.RowsAsync();

        // The CSV holds the rows of the table and the total shown.
        var download = await Page.RunAndWaitForDownloadAsync(() => costs.CsvButton.ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.Contains("by-workload", download.SuggestedFilename, StringComparison.Ordinal);
        var path = Path.Combine(Artifacts.Root, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        var lines = (await File.ReadAllLinesAsync(path, cancellationToken)).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("Workload,Requests,Spend", lines[0], StringComparison.Ordinal);
        var csvRows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(rows.Count + 1, csvRows.Count);
        foreach (var (row, csv) in rows.Zip(csvRows))
        {
            Assert.Equal(row.Key, csv[0]);
            Assert.Equal(row.Requests.Replace(",", ""), csv[1]);
            Assert.Equal(CostsPage.ParseMoney(row.Spend), Math.Round(decimal.Parse(csv[2], CultureInfo.InvariantCulture), 2));
        }
        Assert.Equal("Total", csvRows[^1][0]);
        Assert.Equal(CostsPage.ParseMoney(await costs.TotalSpend.InnerTextAsync()), Math.Round(decimal.Parse(csvRows[^1][2], CultureInfo.InvariantCulture), 2));
    }

    [Theory]
    [InlineData("/", "overview")]
    [InlineData("/sla", "sla")]
    [InlineData("/failovers", "failovers")]
    [InlineData("/costs", "costs")]
    [InlineData("/alerts", "alerts")]
    [InlineData("/settings", "settings")]
    public async Task Dashboard_WithFinishedTraffic_RendersWithoutErrors(string path, string name)
    {
        await FinishedTraffic.EnsureAsync(App.Services, TestContext.Current.CancellationToken);
        var errors = new List<string>();
        Page.PageError += (_, error) => errors.Add(error);
        var page = new DashboardPage(Page, App.BaseUrl);
        await page.GotoAsync(path);
        await Expect(page.Heading).ToBeVisibleAsync();
        foreach (var chart in await Page.Locator("[id^=chart-]").AllAsync())
        {
            // Every chart on the page has drawn (the screenshot shows charts, not empty boxes).
            await Expect(chart.Locator("svg.apexcharts-svg")).ToHaveCountAsync(1);
        }
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot($"dashboard-{name}"), FullPage = true });
        Assert.Empty(errors);
    }

    private sealed class DashboardPage(IPage page, string baseUrl) : AppPage(page, baseUrl);
}
