using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Requests;

public sealed partial class RequestDetailPage
{
    [Parameter] public Guid Id { get; set; }
    [Inject] private IDbContextFactory<ControlPlaneDbContext> DbFactory { get; set; } = default!;

    private InferenceRequest? _request;
    private string? _workload;
    private List<TelemetryEvent> _events = [];
    private bool _loaded;

    protected override async Task OnParametersSetAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _request = await db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == Id);
        if (_request is not null)
        {
            _workload = await db.Workloads.Where(w => w.Id == _request.WorkloadId).Select(w => w.Slug).FirstOrDefaultAsync();
            _events = await db.TelemetryEvents.AsNoTracking().Where(e => e.RequestId == Id).OrderBy(e => e.Time).ThenBy(e => e.Id).ToListAsync();
        }
        _loaded = true;
    }
}
