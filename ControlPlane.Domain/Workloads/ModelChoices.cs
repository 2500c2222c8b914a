using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Workloads;

/// <summary>
/// The models a workload may pick for a mode: priced in the catalogue (so its cost can be projected)
/// and offered in that mode both by the catalogue row and by the provider.
/// </summary>
public static class ModelChoices
{
    public static IReadOnlyList<ModelRef> For(IEnumerable<PriceCatalogEntry> currentPrices, RequestMode mode) =>
        currentPrices.Where(p => Supports(p, mode))
            .Select(p => p.ModelRef)
            .Distinct()
            .OrderBy(m => m.Provider, StringComparer.Ordinal)
            .ThenBy(m => m.Model, StringComparer.Ordinal)
            .ToList();

    public static bool Supports(PriceCatalogEntry price, RequestMode mode)
    {
        var provider = ProviderCapabilities.For(price.Provider);
        return mode == RequestMode.Batch
            ? price.SupportsBatch && provider.SupportsBatch
            : price.SupportsRealtime && provider.SupportsRealtime;
    }
}
