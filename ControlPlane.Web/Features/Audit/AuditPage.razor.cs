using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Persistence;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace ControlPlane.Web.Features.Audit;

public sealed partial class AuditPage
{
    private AuditQuery _query = new();
    private DateRange? _range;
    private IReadOnlyList<AuditEntry>? _entries;
    private IReadOnlyList<string> _entityTypes = [];
    private IReadOnlyList<string> _actions = [];

    [Inject]
    private IDbContextFactory<ControlPlaneDbContext> Factory { get; set; } = default!;

    private string ExportUrl => "/audit/export.csv" + _query.ToQueryString();

    protected override async Task OnInitializedAsync()
    {
        await using var db = await Factory.CreateDbContextAsync();
        _entityTypes = await db.AuditEntries.Select(e => e.EntityType).Distinct().OrderBy(t => t).ToListAsync();
        _actions = await db.AuditEntries.Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync();
        await LoadAsync();
    }

    private async Task FilterAsync(AuditQuery query)
    {
        _query = query;
        await LoadAsync();
    }

    private Task RangeChangedAsync(DateRange? range)
    {
        _range = range;
        // Whole UTC days: from the start of the first to the end of the last.
        DateTimeOffset? from = range?.Start is { } start ? new DateTimeOffset(start.Date, TimeSpan.Zero) : null;
        DateTimeOffset? to = range?.End is { } end ? new DateTimeOffset(end.Date.AddDays(1), TimeSpan.Zero) : null;
        return FilterAsync(_query with { From = from, To = to });
    }

    private async Task LoadAsync()
    {
        await using var db = await Factory.CreateDbContextAsync();
        _entries = await _query.RunAsync(db.AuditEntries, CancellationToken.None);
    }
}
