using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>
/// The fate of one batch item, a pure function of (seed, client reference, custom id): when it finishes and
/// whether it fails. <see cref="Random"/> continues the same sequence for the answer text and token counts.
/// </summary>
internal sealed record SimulatedItemPlan(int Step, bool Fails, ProviderErrorClass ErrorClass, StableRandom Random)
{
    public static SimulatedItemPlan For(int seed, string clientReference, string customId, double failureRate)
    {
        var random = StableRandom.From(seed, "batch-item", clientReference, customId);
        var step = Math.Min(SimulatedBatchSchedule.Steps - 1, (int)(random.NextDouble() * SimulatedBatchSchedule.Steps));
        var fails = random.NextDouble() < failureRate;
        // Most item failures at real providers are transient server errors; some are rejected requests.
        var errorClass = random.NextDouble() < 0.7 ? ProviderErrorClass.ServerError : ProviderErrorClass.InvalidRequest;
        return new SimulatedItemPlan(step, fails, errorClass, random);
    }
}
