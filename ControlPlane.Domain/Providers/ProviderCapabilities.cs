namespace ControlPlane.Domain.Providers;

/// <summary>What a provider can do, as the routing and batch engine need to know it.</summary>
/// <param name="BatchDiscount">Fraction off the real-time price for batch work (0.5 = half price; 0 = none).</param>
/// <param name="BatchWindow">The longest a provider may take to finish a batch (its completion window).</param>
/// <param name="MaxBatchRequests">Most requests one batch may hold.</param>
/// <param name="MaxBatchBytes">Largest input one batch may carry.</param>
public sealed record ProviderCapabilities(
    bool SupportsRealtime,
    bool SupportsBatch,
    decimal BatchDiscount,
    TimeSpan BatchWindow,
    int MaxBatchRequests,
    long MaxBatchBytes)
{
    /// <summary>Published limits of each provider's batch offer (checked 2025; see README).</summary>
    public static ProviderCapabilities For(string provider) => provider switch
    {
        ProviderIds.OpenAI => new(true, true, 0.5m, TimeSpan.FromHours(24), 50_000, 200L * 1024 * 1024),
        ProviderIds.Anthropic => new(true, true, 0.5m, TimeSpan.FromHours(24), 100_000, 256L * 1024 * 1024),
        ProviderIds.Gemini => new(true, true, 0.5m, TimeSpan.FromHours(24), 50_000, 2L * 1024 * 1024 * 1024),
        ProviderIds.VertexAI => new(true, true, 0.5m, TimeSpan.FromHours(24), 200_000, 1L * 1024 * 1024 * 1024),
        // SageMaker async inference queues requests but bills the endpoint the same: no batch discount.
        ProviderIds.SageMaker => new(true, true, 0m, TimeSpan.FromHours(6), 10_000, 1L * 1024 * 1024 * 1024),
        _ => new(true, true, 0.5m, TimeSpan.FromHours(24), 50_000, 200L * 1024 * 1024),
    };
}
