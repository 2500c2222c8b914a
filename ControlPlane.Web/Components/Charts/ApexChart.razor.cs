using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace ControlPlane.Web.Components.Charts;

public sealed partial class ApexChart
{
    private const string LibraryPath = "lib/apexcharts/apexcharts.min.js";
    private ElementReference _element;
    private IJSObjectReference? _module;
    private string? _renderedOptions;
    private bool _renderedDark;

    /// <summary>DOM id of the chart container; also the key of the chart instance in JS.</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>ApexCharts options (series included) as any serialisable object; camelCase names.</summary>
    [Parameter, EditorRequired] public object Options { get; set; } = new();

    [Parameter] public int Height { get; set; } = 300;

    [CascadingParameter(Name = "IsDarkMode")] public bool IsDarkMode { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        var options = JsonSerializer.Serialize(Options, JsonSerializerOptions.Web);
        if (firstRender)
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/charts.js");
        }
        if (_module is null || (options == _renderedOptions && IsDarkMode == _renderedDark))
        {
            return;
        }
        var parsed = JsonDocument.Parse(options).RootElement;
        var updated = _renderedOptions is not null && await _module.InvokeAsync<bool>("update", Id, parsed, IsDarkMode);
        if (!updated)
        {
            await _module.InvokeVoidAsync("render", _element, Id, parsed, IsDarkMode, LibraryPath);
        }
        _renderedOptions = options;
        _renderedDark = IsDarkMode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is null)
        {
            return;
        }
        try
        {
            await _module.InvokeVoidAsync("destroy", Id);
            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the chart with it.
        }
    }
}
