namespace ControlPlane.Jobs.Providers.Simulator;

internal enum SimulatedBatchFate { Normal, Stall, Expire }

/// <summary>
/// What meta.json holds for one simulated batch. The batch's timing parameters are copied from the options at
/// submission so that a batch keeps its schedule when the configuration changes or the process restarts.
/// </summary>
/// <param name="FateProgress">Where a stalled batch freezes, or how far an expiring batch gets by the window (0–1).</param>
internal sealed record SimulatedBatchMeta(
    string ProviderBatchId,
    string Provider,
    string Model,
    string ClientReference,
    DateTimeOffset SubmittedAt,
    int ItemCount,
    SimulatedBatchFate Fate,
    double FateProgress,
    int Seed,
    TimeSpan Turnaround,
    TimeSpan Window,
    double ItemFailureRate,
    DateTimeOffset? CancelledAt = null);
