using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>
/// A simulated batch's status as a pure function of its meta and the time: nothing runs in the background,
/// so a batch advances the same way whether it is polled every second, once an hour, or after a restart.
/// </summary>
internal static class SimulatedBatchClock
{
    // Fractions of the turnaround, shaped after OpenAI: a short validation, long processing, a short finalization.
    private const double ValidatingEnd = 0.05;
    private const double ProcessingEnd = 0.90;
    private const double CancellingShare = 0.02;

    public static ProviderBatchStatus StatusAt(SimulatedBatchMeta meta, SimulatedBatchSchedule schedule, DateTimeOffset now)
    {
        var state = StateAt(meta, now);
        var (succeeded, failed) = schedule.CountDone(DoneSteps(ProgressAt(meta, now)));
        var terminal = IsTerminal(state);
        var error = state == ProviderBatchState.Expired
            ? $"The batch did not finish within its completion window of {meta.Window}."
            : null;
        return new ProviderBatchStatus(
            meta.ProviderBatchId, state, RawStatus(state), meta.ItemCount, succeeded, failed,
            HasResults: terminal && succeeded + failed > 0, error);
    }

    public static ProviderBatchState StateAt(SimulatedBatchMeta meta, DateTimeOffset now)
    {
        if (meta.CancelledAt is { } cancelledAt)
        {
            var cancelling = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, (long)(meta.Turnaround.Ticks * CancellingShare)));
            return now < cancelledAt + cancelling ? ProviderBatchState.Cancelling : ProviderBatchState.Cancelled;
        }

        var elapsed = now - meta.SubmittedAt;
        if (meta.Fate == SimulatedBatchFate.Normal && meta.Turnaround <= meta.Window && elapsed >= meta.Turnaround)
        {
            return ProviderBatchState.Completed;
        }
        if (elapsed >= meta.Window)
        {
            return ProviderBatchState.Expired;
        }
        if (elapsed < meta.Turnaround * ValidatingEnd)
        {
            return ProviderBatchState.Validating;
        }
        // Stalled and expiring batches never reach the end of processing, so they never finalize.
        return meta.Fate == SimulatedBatchFate.Normal && elapsed >= meta.Turnaround * ProcessingEnd
            ? ProviderBatchState.Finalizing
            : ProviderBatchState.InProgress;
    }

    /// <summary>How far through its items the batch is (0–1); frozen at cancellation and at the window.</summary>
    public static double ProgressAt(SimulatedBatchMeta meta, DateTimeOffset now)
    {
        var end = meta.CancelledAt is { } cancelledAt && cancelledAt < now ? cancelledAt : now;
        var elapsed = end - meta.SubmittedAt;
        if (elapsed > meta.Window)
        {
            elapsed = meta.Window;
        }

        var start = meta.Turnaround * ValidatingEnd;
        var normal = Fraction(elapsed - start, meta.Turnaround * ProcessingEnd - start);
        return meta.Fate switch
        {
            SimulatedBatchFate.Stall => Math.Min(normal, meta.FateProgress),
            // Paced so that exactly FateProgress of the items are done when the window closes.
            SimulatedBatchFate.Expire => Math.Min(normal, Fraction(elapsed - start, meta.Window - start) * meta.FateProgress),
            _ => normal,
        };
    }

    /// <summary>Steps of <see cref="SimulatedBatchSchedule"/> passed at <paramref name="progress"/>; an item at step s is done when s is below this.</summary>
    public static int DoneSteps(double progress) =>
        Math.Clamp((int)Math.Floor(progress * SimulatedBatchSchedule.Steps + 1e-9), 0, SimulatedBatchSchedule.Steps);

    public static bool IsTerminal(ProviderBatchState state) => state is
        ProviderBatchState.Completed or ProviderBatchState.Failed or
        ProviderBatchState.Expired or ProviderBatchState.Cancelled;

    public static string RawStatus(ProviderBatchState state) => state switch
    {
        ProviderBatchState.Validating => "validating",
        ProviderBatchState.InProgress => "in_progress",
        ProviderBatchState.Finalizing => "finalizing",
        ProviderBatchState.Completed => "completed",
        ProviderBatchState.Failed => "failed",
        ProviderBatchState.Expired => "expired",
        ProviderBatchState.Cancelling => "cancelling",
        ProviderBatchState.Cancelled => "cancelled",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static double Fraction(TimeSpan part, TimeSpan whole) =>
        whole <= TimeSpan.Zero ? (part >= TimeSpan.Zero ? 1 : 0) : Math.Clamp(part / whole, 0, 1);
}
