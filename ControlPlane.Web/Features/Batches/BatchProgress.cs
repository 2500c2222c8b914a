using ControlPlane.Domain.Batches;

namespace ControlPlane.Web.Features.Batches;

/// <summary>
/// How far a job is, as its pages show it: its requests with an outcome, whichever path gave it. While the provider
/// runs the batch its counts lead (requests stay InBatch until ingestion); after a promotion the provider finishes
/// nothing and the requests are answered in real time, so their own statuses lead.
/// </summary>
public sealed record BatchProgress(int Requests, int Done, int Failed)
{
    public double Percent => Requests == 0 ? 0 : Math.Min(100, 100.0 * (Done + Failed) / Requests);

    /// <param name="succeeded">Requests of the job that succeeded, by any path.</param>
    /// <param name="failed">Requests of the job that failed or expired.</param>
    public static BatchProgress Of(BatchJob job, int succeeded, int failed)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new(job.RequestCount, Math.Max(job.CompletedCount, succeeded), Math.Max(job.FailedCount, failed));
    }
}
