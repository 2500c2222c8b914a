using ControlPlane.Jobs.Alerts;
using ControlPlane.Jobs.Rollups;
using ControlPlane.Jobs.Batches;
using ControlPlane.Jobs.Webhooks;
using Hangfire;

namespace ControlPlane.Jobs.Scheduling;

/// <summary>
/// Every recurring job of ControlPlane, registered in this one place at start-up. AddOrUpdate is
/// idempotent, so several instances starting at once agree on one schedule. Six-field cron expressions
/// carry seconds; the server's schedule polling interval (5 s) is the finest they can fire.
/// </summary>
public static class RecurringJobSchedule
{
    public const string BatchAssembly = "batch-assembly";
    public const string BatchPoll = "batch-poll";
    public const string BatchStuckDetection = "batch-stuck-detection";
    public const string WebhookSweep = "webhook-sweep";

    public static void Apply(IRecurringJobManager jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        jobs.AddOrUpdate<HourlyRollupJob>("hourly-rollups", job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<AlertEvaluationJob>("alerts", job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        var utc = new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc };
        jobs.AddOrUpdate<BatchAssemblyJob>(BatchAssembly, j => j.RunAsync(CancellationToken.None), "*/15 * * * * *", utc);
        // Each job has its own next-poll time in the database; this tick only looks for the ones that are due.
        jobs.AddOrUpdate<BatchPollJob>(BatchPoll, j => j.RunAsync(CancellationToken.None), "*/5 * * * * *", utc);
        jobs.AddOrUpdate<WebhookSweepJob>(WebhookSweep, j => j.RunAsync(CancellationToken.None), Cron.Minutely(), utc);
        jobs.AddOrUpdate<BatchStuckDetectionJob>(BatchStuckDetection, j => j.RunAsync(CancellationToken.None), "*/30 * * * * *", utc);
    }
}
