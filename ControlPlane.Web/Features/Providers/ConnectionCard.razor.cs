using ControlPlane.Jobs.Providers;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ControlPlane.Web.Features.Providers;

public sealed partial class ConnectionCard
{
    private ConnectionDraft _draft = new();
    private ConnectionSchema _schema = null!;
    private IReadOnlyDictionary<string, string> _errors = new Dictionary<string, string>();
    private ConnectionTestResult? _test;
    private bool _busy;
    private ConnectionView? _shown;

    [Inject] private ProviderConnectionStore Store { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;

    [Parameter, EditorRequired] public string Provider { get; set; } = "";
    [Parameter] public ConnectionView? Saved { get; set; }
    [Parameter] public bool EnvironmentWins { get; set; }
    [Parameter] public EventCallback Changed { get; set; }

    protected override void OnParametersSet()
    {
        _schema = ConnectionSchema.For(Provider) ?? throw new InvalidOperationException($"No connection form for '{Provider}'.");
        // Reset the form only when the saved row changed (first render, after save or delete), not on every parent render.
        if (_draft.Provider.Length == 0 || !Equals(_shown?.UpdatedAt, Saved?.UpdatedAt) || _shown?.Id != Saved?.Id)
        {
            _draft = ConnectionDraft.For(Provider, Saved);
            _shown = Saved;
        }
    }

    private string? Error(string field) => _errors.GetValueOrDefault(field);

    private async Task SaveAsync()
    {
        _busy = true;
        try
        {
            _errors = await Store.SaveAsync(_draft, CancellationToken.None);
            if (_errors.Count == 0)
            {
                Snackbar.Add($"{_draft.Name} saved", Severity.Success);
                _draft.NewSecret = null;
                _draft.ClearSecret = false;
                await Changed.InvokeAsync();
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task TestAsync()
    {
        _busy = true;
        _test = null;
        try
        {
            _test = await Store.TestAsync(_draft, CancellationToken.None);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync()
    {
        if (await Store.DeleteAsync(Provider, CancellationToken.None))
        {
            Snackbar.Add($"{_draft.Name} deleted", Severity.Success);
            await Changed.InvokeAsync();
        }
    }
}
