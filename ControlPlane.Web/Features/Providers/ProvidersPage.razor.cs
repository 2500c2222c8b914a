using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers;
using ControlPlane.Web.Features.Settings;
using Microsoft.AspNetCore.Components;

namespace ControlPlane.Web.Features.Providers;

public sealed partial class ProvidersPage
{
    private IReadOnlyList<ProviderStatusRow>? _rows;
    private IReadOnlyList<ConnectionView>? _connections;
    private IReadOnlyList<PriceCatalogEntry>? _prices;

    [Inject] private ProviderConnectionStore Connections { get; set; } = null!;
    [Inject] private ProviderStatus Status { get; set; } = null!;
    [Inject] private SettingsStore Settings { get; set; } = null!;
    [Inject] private IProviderRegistry Registry { get; set; } = null!;

    private static IEnumerable<string> Unsupported =>
        ProviderIds.All.Where(p => p != ProviderIds.Simulator && !ConnectionSchema.Supported.Contains(p));

    protected override async Task OnInitializedAsync()
    {
        await ReloadAsync();
        await ReloadPricesAsync();
    }

    private async Task ReloadAsync()
    {
        _connections = await Connections.LoadAsync(CancellationToken.None);
        _rows = await Status.LoadAsync(CancellationToken.None);
    }

    private async Task ReloadPricesAsync() => _prices = await Settings.LoadPricesAsync(CancellationToken.None);
}
