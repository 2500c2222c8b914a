using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Realtime;

/// <summary><c>ControlPlane:Realtime</c>: the real-time executor's retry, timeout and circuit-breaker settings.</summary>
public sealed class RealtimeOptions
{
    public const string SectionName = "ControlPlane:Realtime";

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tries per model, the first included, before moving down the fallback chain.</summary>
    [Range(1, 10)]
    public int MaxAttemptsPerModel { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A caller waits on a real-time answer: a provider asking us to come back later than this is treated as
    /// unavailable and the next model of the fallback chain is tried instead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive failures of one provider+model that open its circuit.</summary>
    [Range(1, 1000)]
    public int BreakerFailureThreshold { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan BreakerOpenDuration { get; set; } = TimeSpan.FromSeconds(30);
}
