using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Batches;

/// <summary><c>ControlPlane:Batches</c>: how batch jobs are assembled, polled and promoted.</summary>
public sealed class BatchOptions : IValidatableObject
{
    public const string SectionName = "ControlPlane:Batches";

    /// <summary>A group of queued requests this large is sent at once, without waiting for <see cref="MaxWait"/>.</summary>
    [Range(1, 1_000_000)]
    public int MinBatchSize { get; set; } = 100;

    /// <summary>The longest a queued request waits for company before a smaller batch is sent anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Our own cap on requests per batch, below the provider's limit; null uses the provider's.</summary>
    [Range(1, 1_000_000)]
    public int? MaxRequestsPerBatch { get; set; }

    /// <summary>First wait between polls of a provider batch; every poll without change multiplies it by <see cref="PollBackoffFactor"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInitialDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1d, 10d)]
    public double PollBackoffFactor { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PollMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The Simulator runs a batch in minutes, not hours: its jobs are polled on this compressed schedule.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SimulatorPollInitialDelay { get; set; } = TimeSpan.FromSeconds(3);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SimulatorPollMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a submit run holds a job before another run may assume it crashed and take over.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan SubmitLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Rows read or written per database round trip when streaming payloads and ingesting results.</summary>
    [Range(10, 100_000)]
    public int PageSize { get; set; } = 1_000;

    /// <summary>
    /// Real-time capacity set aside for promoted batch work, in requests per minute: a promotion larger than this is
    /// dispatched in chunks a minute apart, so it cannot starve the workloads that are real-time by nature.
    /// </summary>
    [Range(1, 1_000_000)]
    public int PromotionRequestsPerMinute { get; set; } = 600;

    /// <summary>Most jobs one poll run looks at; the rest wait for the next run.</summary>
    [Range(1, 10_000)]
    public int MaxJobsPerPoll { get; set; } = 200;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PollMaxDelay < PollInitialDelay)
        {
            yield return new ValidationResult("PollMaxDelay cannot be shorter than PollInitialDelay.", [nameof(PollMaxDelay)]);
        }
        if (SimulatorPollMaxDelay < SimulatorPollInitialDelay)
        {
            yield return new ValidationResult("SimulatorPollMaxDelay cannot be shorter than SimulatorPollInitialDelay.", [nameof(SimulatorPollMaxDelay)]);
        }
    }

    /// <summary>The wait before poll number <paramref name="pollCount"/> + 1: exponential, capped.</summary>
    public TimeSpan PollDelay(int pollCount, bool simulated)
    {
        var (start, cap) = simulated ? (SimulatorPollInitialDelay, SimulatorPollMaxDelay) : (PollInitialDelay, PollMaxDelay);
        var ticks = start.Ticks * Math.Pow(PollBackoffFactor, Math.Clamp(pollCount, 0, 60));
        return ticks >= cap.Ticks ? cap : TimeSpan.FromTicks((long)ticks);
    }
}
