using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using ControlPlane.Domain.Webhooks;
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
    private WebhookDelivery? _delivery;
    private List<WebhookAttempt> _attempts = [];
    private bool _hasWebhook;

    protected override async Task OnParametersSetAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        _request = await db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == Id);
        if (_request is not null)
        {
            var workload = await db.Workloads.Where(w => w.Id == _request.WorkloadId)
                .Select(w => new { w.Slug, HasWebhook = w.CompletionWebhookUrl != null }).FirstOrDefaultAsync();
            _workload = workload?.Slug;
            _hasWebhook = workload?.HasWebhook ?? false;
            _delivery = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.RequestId == Id);
            _attempts = _delivery is null ? []
                : await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == _delivery.Id).OrderBy(a => a.Number).ToListAsync();
            _events = await db.TelemetryEvents.AsNoTracking().Where(e => e.RequestId == Id).OrderBy(e => e.Time).ThenBy(e => e.Id).ToListAsync();
        }
        _loaded = true;
    }
}
