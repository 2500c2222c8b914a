using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>
/// How the Simulator behaves. Every random choice is derived from <see cref="Seed"/>, so a run with the
/// same seed and the same traffic produces the same latencies, errors, answers and batch fates.
/// </summary>
public sealed class SimulatorOptions : IValidatableObject
{
    public const string SectionName = "ControlPlane:Simulator";

    public int Seed { get; set; } = 42;

    /// <summary>Median real-time latency; 0 answers without any delay (useful in tests and load runs).</summary>
    [Range(0d, 600_000d)]
    public double RealtimeLatencyMedianMs { get; set; } = 400;

    /// <summary>Sigma of the log-normal latency distribution: 0 is a constant latency, 1 a long tail.</summary>
    [Range(0d, 3d)]
    public double RealtimeLatencySigma { get; set; } = 0.5;

    /// <summary>Fraction of real-time calls that fail; split between the classes by the shares below.</summary>
    [Range(0d, 1d)]
    public double RealtimeErrorRate { get; set; } = 0.02;

    /// <summary>Share of failures answered with 429 and a Retry-After. Shares are relative weights.</summary>
    [Range(0d, 1d)]
    public double RateLimitedShare { get; set; } = 0.5;

    /// <summary>Share of failures answered with 500 or 503.</summary>
    [Range(0d, 1d)]
    public double ServerErrorShare { get; set; } = 0.35;

    /// <summary>Share of failures that time out without a status.</summary>
    [Range(0d, 1d)]
    public double TimeoutShare { get; set; } = 0.15;

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a simulated batch takes from submission to completed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan BatchTurnaround { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The compressed completion window: a batch not finished by then expires. Stands in for the real
    /// providers' 24 h so that expiry and promotion can be seen within minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMinutes(10);

    [Range(0d, 1d)]
    public double BatchItemFailureRate { get; set; } = 0.02;

    /// <summary>Fraction of batches that stop moving part-way and stay in progress until cancelled or expired.</summary>
    [Range(0d, 1d)]
    public double BatchStallRate { get; set; } = 0.05;

    /// <summary>Fraction of batches that progress too slowly and expire at the window with part of their items done.</summary>
    [Range(0d, 1d)]
    public double BatchExpiryRate { get; set; } = 0.02;

    /// <summary>When true, a provider without a configured connection is served by the Simulator instead of refused.</summary>
    public bool StandInForUnconfiguredProviders { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RealtimeErrorRate > 0 && RateLimitedShare + ServerErrorShare + TimeoutShare <= 0)
        {
            yield return new ValidationResult(
                "With a real-time error rate above 0, at least one error share must be above 0.",
                [nameof(RateLimitedShare), nameof(ServerErrorShare), nameof(TimeoutShare)]);
        }
        if (BatchStallRate + BatchExpiryRate > 1)
        {
            yield return new ValidationResult(
                "BatchStallRate and BatchExpiryRate together cannot exceed 1.",
                [nameof(BatchStallRate), nameof(BatchExpiryRate)]);
        }
    }
}
