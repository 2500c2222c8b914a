using Bunit;
using ControlPlane.Web.Components.Charts;
using Microsoft.AspNetCore.Components;

namespace ControlPlane.Web.Tests.Components;

public sealed class ApexChartTests : BunitContext
{
    private readonly BunitJSModuleInterop _module;

    public ApexChartTests()
    {
        _module = JSInterop.SetupModule("./js/charts.js");
        _module.Mode = JSRuntimeMode.Loose;
        _module.Setup<bool>("update", _ => true).SetResult(true);
    }

    private static object Spend(params double[] values) =>
        new { chart = new { type = "area" }, series = new[] { new { name = "Spend", data = values } } };

    [Fact]
    public void FirstRender_DrawsTheChartWithTheGivenSeriesAndTheLightTheme()
    {
        Render<ApexChart>(p => p.Add(c => c.Id, "spend").Add(c => c.Options, Spend(1, 2, 3)));

        var render = _module.VerifyInvoke("render");
        Assert.Equal("spend", render.Arguments[1]);
        Assert.Contains("\"data\":[1,2,3]", render.Arguments[2]!.ToString());
        Assert.Equal(false, render.Arguments[3]);
        Assert.Equal("lib/apexcharts/apexcharts.min.js", render.Arguments[4]);
    }

    [Fact]
    public void NewOptions_UpdateTheExistingChartInsteadOfDrawingAgain()
    {
        var chart = Render<ApexChart>(p => p.Add(c => c.Id, "spend").Add(c => c.Options, Spend(1, 2, 3)));

        chart.Render(p => p.Add(c => c.Options, Spend(4, 5, 6)));

        var update = _module.VerifyInvoke("update");
        Assert.Contains("\"data\":[4,5,6]", update.Arguments[1]!.ToString());
        Assert.Single(_module.Invocations["render"]);
    }

    [Fact]
    public void SameOptions_DoNotTouchTheChart()
    {
        var chart = Render<ApexChart>(p => p.Add(c => c.Id, "spend").Add(c => c.Options, Spend(1)));

        chart.Render(p => p.Add(c => c.Options, Spend(1)));

        Assert.Empty(_module.Invocations["update"]);
    }

    [Fact]
    public void DarkMode_IsPassedToTheChart()
    {
        Render<CascadingValue<bool>>(p => p
            .Add(c => c.Name, "IsDarkMode")
            .Add(c => c.Value, true)
            .AddChildContent<ApexChart>(c => c.Add(x => x.Id, "dark").Add(x => x.Options, Spend(1))));

        Assert.Equal(true, _module.VerifyInvoke("render").Arguments[3]);
    }

    [Fact]
    public async Task Dispose_DestroysTheChart()
    {
        var chart = Render<ApexChart>(p => p.Add(c => c.Id, "gone").Add(c => c.Options, Spend(1)));

        await chart.Instance.DisposeAsync();

        Assert.Equal("gone", _module.VerifyInvoke("destroy").Arguments[0]);
    }
}
