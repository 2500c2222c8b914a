using ControlPlane.Domain.Common;
using ControlPlane.Domain.Persistence;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.JSInterop;
using MudBlazor;

namespace ControlPlane.Web.Features.Keys;

public sealed partial class KeysPage
{
    private sealed class Draft
    {
        public string? Name { get; set; }
        public Guid? TeamId { get; set; }
        public IReadOnlyCollection<Guid> WorkloadIds { get; set; } = [];
    }

    private sealed record Option(Guid Id, string Name);

    private sealed record WorkloadOption(Guid Id, Guid TeamId, string Slug);

    [Inject] private IDbContextFactory<ControlPlaneDbContext> DbFactory { get; set; } = default!;
    [Inject] private ApiKeyService Keys { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;

    private MudForm? _form;
    private Draft _draft = new();
    private List<KeyRow>? _rows;
    private List<Option> _teams = [];
    private List<WorkloadOption> _workloads = [];
    private string? _newToken;
    private string? _error;

    protected override async Task OnInitializedAsync()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _teams = await db.Teams.OrderBy(t => t.Name).Select(t => new Option(t.Id, t.Name)).ToListAsync();
            _workloads = await db.Workloads.Where(w => !w.IsArchived).OrderBy(w => w.Slug)
                .Select(w => new WorkloadOption(w.Id, w.TeamId, w.Slug)).ToListAsync();
        }
        _rows = await KeyRow.LoadAsync(DbFactory, CancellationToken.None);
    }

    private async Task CreateAsync()
    {
        _error = null;
        await _form!.ValidateAsync();
        if (!_form.IsValid)
        {
            return;
        }
        try
        {
            var (_, token) = await Keys.CreateAsync(_draft.Name!, _draft.TeamId!.Value, [.. _draft.WorkloadIds], CancellationToken.None);
            _newToken = token;
            _draft = new Draft();
            _rows = await KeyRow.LoadAsync(DbFactory, CancellationToken.None);
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }
    }

    private async Task RevokeAsync(KeyRow row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke key",
            $"Revoke '{row.Name}'? Applications using it get 401 from now on. This cannot be undone.", yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        await Keys.RevokeAsync(row.Id, CancellationToken.None);
        Snackbar.Add($"Key '{row.Name}' revoked.", Severity.Success);
        _rows = await KeyRow.LoadAsync(DbFactory, CancellationToken.None);
    }

    private async Task CopyAsync()
    {
        await Js.InvokeVoidAsync("navigator.clipboard.writeText", _newToken);
        Snackbar.Add("Key copied.", Severity.Info);
    }
}
