using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Costs;

/// <summary>Looks up the price in force for a model on a day: the newest row not after that day.</summary>
public sealed class PriceCatalog(IEnumerable<PriceCatalogEntry> entries)
{
    private readonly ILookup<(string, string), PriceCatalogEntry> _byModel =
        entries.ToLookup(e => (e.Provider, e.Model));

    public PriceCatalogEntry? Find(ModelRef model, DateOnly on) =>
        _byModel[(model.Provider, model.Model)]
            .Where(e => e.EffectiveFrom <= on)
            .MaxBy(e => e.EffectiveFrom);

    public IEnumerable<PriceCatalogEntry> Current(DateOnly on) =>
        _byModel.Select(g => g.Where(e => e.EffectiveFrom <= on).MaxBy(e => e.EffectiveFrom))
            .OfType<PriceCatalogEntry>();
}
