using ControlPlane.Domain.Batches;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Batches;
using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace ControlPlane.Web.Features.Batches;

public sealed partial class BatchDetailPage : IAsyncDisposable
{
    [Parameter] public Guid Id { get; set; }

    [Inject] private IDbContextFactory<ControlPlaneDbContext> DbFactory { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private BatchOperations Operations { get; set; } = default!;
    [Inject] private BatchPromotion Promotion { get; set; } = default!;
    [Inject] private ICurrentActor Actor { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    private readonly List<BreadcrumbItem> _crumbs = [new("Batch jobs", "/batches"), new("Job", null, disabled: true)];
    private readonly CancellationTokenSource _stop = new();
    private BatchDetail? _detail;
    private MudDataGrid<BatchItemRow>? _items;
    private bool _loaded;
    private bool _busy;
    private bool _problemsOnly;
    private string? _message;
    private bool _messageOk;
    private string? _stuck;
    private Task? _refreshing;

    private DateTimeOffset Now => Clock.GetUtcNow();

    private double Progress => _detail?.Progress.Percent ?? 0;

    private bool CanPromote => _detail is { Job: var j } && BatchJobLifecycle.Machine.CanMove(j.Status, BatchJobStatus.Promoted);

    private bool CanCancel => _detail is { Job: var j } && (j.Status == BatchJobStatus.Assembling || BatchJobLifecycle.Machine.CanMove(j.Status, BatchJobStatus.Cancelling));

    protected override async Task OnParametersSetAsync()
    {
        await ReloadAsync();
        // One refresh loop per page, whichever job it shows: navigating from job to job reuses the component.
        _refreshing ??= RefreshLoopAsync();
    }

    private async Task ReloadAsync()
    {
        _detail = await BatchDetail.LoadAsync(DbFactory, Id, _stop.Token);
        _stuck = _detail is { } d ? BatchStuckDetectionJob.StuckReason(d.Job, d.Workload?.Promotion ?? PromotionPolicy.Default, Now) is { } why ? $"Stuck: {why}." : null : null;
        _loaded = true;
    }

    private Task<GridData<BatchItemRow>> LoadItemsAsync(GridState<BatchItemRow> state, CancellationToken cancellationToken) =>
        BatchDetail.ItemsAsync(DbFactory, Id, _problemsOnly, state.Page, state.PageSize, cancellationToken);

    private async Task OnProblemsOnlyChanged(bool value)
    {
        _problemsOnly = value;
        await (_items?.ReloadServerData() ?? Task.CompletedTask);
    }

    private async Task PromoteAsync()
    {
        var estimate = await Promotion.EstimateAsync(Id, _stop.Token);
        if (estimate is null)
        {
            return;
        }
        var parameters = new DialogParameters<PromoteBatchDialog> { { d => d.Estimate, estimate } };
        var dialog = await Dialogs.ShowAsync<PromoteBatchDialog>("Promote to real time", parameters);
        if (await dialog.Result is { Canceled: false, Data: string reason })
        {
            await RunAsync(actor => Operations.PromoteAsync(Id, actor, reason, _stop.Token));
        }
    }

    private async Task CancelAsync() =>
        await AskReasonThenAsync("Cancel batch job", "Requests without a result are cancelled, not sent again.", "Cancel job",
            (actor, reason) => Operations.CancelAsync(Id, actor, reason, _stop.Token));

    private async Task RetryAsync() =>
        await AskReasonThenAsync("Retry failed items", $"{_detail?.FailedItems:N0} failed or expired request(s) are queued again as new requests for the next batch.",
            "Retry", (actor, reason) => Operations.RetryFailedAsync(Id, actor, reason, _stop.Token));

    private async Task AskReasonThenAsync(string title, string explanation, string confirm, Func<string, string, Task<OperatorActionResult>> action)
    {
        var parameters = new DialogParameters<ReasonDialog> { { d => d.Explanation, explanation }, { d => d.ConfirmText, confirm } };
        var dialog = await Dialogs.ShowAsync<ReasonDialog>(title, parameters);
        if (await dialog.Result is { Canceled: false, Data: string reason })
        {
            await RunAsync(actor => action(actor, reason));
        }
    }

    private async Task RunAsync(Func<string, Task<OperatorActionResult>> action)
    {
        // The buttons are hidden from other roles; the handler checks again, since a circuit can be driven without them.
        if (AuthenticationState is null || !(await Authorization.AuthorizeAsync((await AuthenticationState).User, Policies.CanOperateBatches)).Succeeded)
        {
            (_message, _messageOk) = ("Only an operator or an admin may act on batch jobs.", false);
            return;
        }
        _busy = true;
        try
        {
            var result = await action(Actor.Name);
            (_message, _messageOk) = (result.Message, result.Succeeded);
            await ReloadAsync();
            await (_items?.ReloadServerData() ?? Task.CompletedTask);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RefreshLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(3), Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await InvokeAsync(async () =>
                {
                    await ReloadAsync();
                    await (_items?.ReloadServerData() ?? Task.CompletedTask);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
    }
}
