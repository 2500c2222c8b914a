using ControlPlane.Jobs.Alerts;
using ControlPlane.Jobs.Rollups;
using Hangfire;

namespace ControlPlane.Jobs.Scheduling;

/// <summary>
/// Every recurring job of ControlPlane, registered in this one place at start-up. AddOrUpdate is
/// idempotent, so several instances starting at once agree on one schedule.
/// </summary>
public static class RecurringJobSchedule
{
    public static void Apply(IRecurringJobManager jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        jobs.AddOrUpdate<HourlyRollupJob>("hourly-rollups", job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<AlertEvaluationJob>("alerts", job => job.RunAsync(CancellationToken.None), Cron.Minutely());
    }
}
