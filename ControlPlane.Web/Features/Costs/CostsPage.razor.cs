using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Features.Dashboards;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Costs;

public sealed partial class CostsPage
{
    private TimeRange _range = default!;
    private CostGroup _group = CostGroup.Mode;
    private CostView? _view;

    [Inject] private IDbContextFactory<ControlPlaneDbContext> DbFactory { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    protected override Task OnInitializedAsync() => OnRangeChangedAsync(TimeRange.Last30Days(Clock.GetUtcNow()));

    private async Task OnRangeChangedAsync(TimeRange range)
    {
        _range = range;
        _view = await CostView.LoadAsync(DbFactory, range, _group, Clock.GetUtcNow(), CancellationToken.None);
    }

    private Task OnGroupChangedAsync(CostGroup group)
    {
        _group = group;
        _view = _view! with { Lines = CostView.Breakdown(_view.Slice, group) };
        return Task.CompletedTask;
    }

    internal static string Money(decimal value) => value.ToString("$#,0.00;-$#,0.00");
}
