using ControlPlane.Domain.Persistence;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace ControlPlane.Web.Features.Requests;

public sealed partial class RequestsPage
{
    private sealed record Option(Guid Id, string Name);

    [Inject] private IDbContextFactory<ControlPlaneDbContext> DbFactory { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    private readonly RequestFilter _filter = new();
    private MudDataGrid<RequestListRow>? _grid;
    private DateRange? _range;
    private List<Option> _workloads = [];
    private List<Option> _teams = [];

    protected override async Task OnInitializedAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _workloads = await db.Workloads.OrderBy(w => w.Slug).Select(w => new Option(w.Id, w.Slug)).ToListAsync();
        _teams = await db.Teams.OrderBy(t => t.Name).Select(t => new Option(t.Id, t.Name)).ToListAsync();
    }

    private async Task<GridData<RequestListRow>> LoadAsync(GridState<RequestListRow> state, CancellationToken cancellationToken)
    {
        var (rows, total) = await RequestListQuery.PageAsync(DbFactory, _filter, state.Page, state.PageSize, cancellationToken);
        return new GridData<RequestListRow> { Items = rows, TotalItems = total };
    }

    private async Task SetAsync(Action change)
    {
        change();
        await _grid!.ReloadServerData();
    }

    private Task SetRangeAsync(DateRange? range)
    {
        _range = range;
        return SetAsync(() => (_filter.From, _filter.To) = (range?.Start, range?.End));
    }
}
