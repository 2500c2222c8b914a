using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Workloads;
using ControlPlane.Web.Features.Dashboards;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Overview;

public sealed partial class OverviewPage
{
    private OverviewCounts? _counts;
    private OverviewView? _view;
    private TimeRange _range = default!;

    [Inject] private IDbContextFactory<ControlPlaneDbContext> DbFactory { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _range = TimeRange.Last7Days(Clock.GetUtcNow());
        _counts = await OverviewCounts.LoadAsync(DbFactory, CancellationToken.None);
        _view = await OverviewView.LoadAsync(DbFactory, _range, Clock.GetUtcNow(), CancellationToken.None);
    }

    private async Task OnRangeChangedAsync(TimeRange range)
    {
        _range = range;
        _view = await OverviewView.LoadAsync(DbFactory, range, Clock.GetUtcNow(), CancellationToken.None);
    }

    private static string Money(decimal value) => value.ToString("$#,0.00");

    private static string Percent(decimal? value) => value is null ? "—" : $"{value:0.##} %";

    private string SegmentHint() => _counts is null || _counts.ActiveWorkloads == 0
        ? "None configured yet"
        : string.Join(" · ", _counts.WorkloadsBySegment.OrderBy(s => s.Key).Select(s => $"{s.Value} {s.Key.Label().ToLowerInvariant()}"));
}
