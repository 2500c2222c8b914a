using ControlPlane.Domain.Common;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Costs;

/// <summary>A provider's list price for a model, valid from <see cref="EffectiveFrom"/> until a newer row.</summary>
public sealed class PriceCatalogEntry
{
    private PriceCatalogEntry() { }

    public PriceCatalogEntry(string provider, string model, decimal inputPerMillion, decimal outputPerMillion,
        decimal batchDiscount, DateOnly effectiveFrom, bool supportsRealtime = true, bool supportsBatch = true)
    {
        if (inputPerMillion < 0 || outputPerMillion < 0)
        {
            throw new DomainException("Prices cannot be negative.");
        }
        if (batchDiscount is < 0 or >= 1)
        {
            throw new DomainException("The batch discount is a fraction from 0 up to (not including) 1.");
        }
        Id = Guid.NewGuid();
        Provider = provider;
        Model = model;
        InputPerMillion = inputPerMillion;
        OutputPerMillion = outputPerMillion;
        BatchDiscount = batchDiscount;
        EffectiveFrom = effectiveFrom;
        SupportsRealtime = supportsRealtime;
        SupportsBatch = supportsBatch;
    }

    public Guid Id { get; private set; }
    public string Provider { get; private set; } = "";
    public string Model { get; private set; } = "";

    /// <summary>US dollars per one million input tokens at real-time price.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>US dollars per one million output tokens at real-time price.</summary>
    public decimal OutputPerMillion { get; set; }

    /// <summary>Fraction off for batch work, e.g. 0.5.</summary>
    public decimal BatchDiscount { get; set; }

    public DateOnly EffectiveFrom { get; set; }
    public bool SupportsRealtime { get; set; }
    public bool SupportsBatch { get; set; }

    public ModelRef ModelRef => new(Provider, Model);
}
