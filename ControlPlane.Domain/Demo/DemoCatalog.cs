using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Demo;

/// <summary>
/// Published list prices (US$ per 1M tokens, standard tier, short context) as shown on the providers'
/// pricing pages in October 2025. They are a starting point: admins edit them in /settings, and a newer
/// row with a later effective date takes over from that date.
/// </summary>
public static class DemoCatalog
{
    public static readonly DateOnly EffectiveFrom = new(2025, 10, 15);

    public static IEnumerable<PriceCatalogEntry> Prices()
    {
        // OpenAI: Batch API is 50 % off.
        yield return Price(ProviderIds.OpenAI, "gpt-4o", 2.50m, 10.00m, 0.5m);
        yield return Price(ProviderIds.OpenAI, "gpt-4o-mini", 0.15m, 0.60m, 0.5m);
        yield return Price(ProviderIds.OpenAI, "gpt-4.1", 2.00m, 8.00m, 0.5m);
        yield return Price(ProviderIds.OpenAI, "gpt-4.1-mini", 0.40m, 1.60m, 0.5m);
        // Anthropic: Message Batches are 50 % off.
        yield return Price(ProviderIds.Anthropic, "claude-sonnet-4-5", 3.00m, 15.00m, 0.5m);
        yield return Price(ProviderIds.Anthropic, "claude-haiku-4-5", 1.00m, 5.00m, 0.5m);
        yield return Price(ProviderIds.Anthropic, "claude-opus-4-1", 15.00m, 75.00m, 0.5m);
        // Google Gemini API: Batch Mode is 50 % off (prompts up to 200k tokens).
        yield return Price(ProviderIds.Gemini, "gemini-2.5-pro", 1.25m, 10.00m, 0.5m);
        yield return Price(ProviderIds.Gemini, "gemini-2.5-flash", 0.30m, 2.50m, 0.5m);
        yield return Price(ProviderIds.Gemini, "gemini-2.5-flash-lite", 0.10m, 0.40m, 0.5m);
        // Vertex AI: batch prediction is 50 % off the online price.
        yield return Price(ProviderIds.VertexAI, "gemini-2.5-pro", 1.25m, 10.00m, 0.5m);
        yield return Price(ProviderIds.VertexAI, "gemini-2.5-flash", 0.30m, 2.50m, 0.5m);
        // SageMaker bills endpoint hours, not tokens: this row is an estimate (ml.g5.2xlarge at about
        // $1.52/h serving Llama 3.1 8B at a steady load) and async inference earns no discount.
        yield return Price(ProviderIds.SageMaker, "llama-3-1-8b-instruct", 0.20m, 0.20m, 0m);
    }

    private static PriceCatalogEntry Price(string provider, string model, decimal input, decimal output, decimal discount) =>
        new(provider, model, input, output, discount, EffectiveFrom);
}
