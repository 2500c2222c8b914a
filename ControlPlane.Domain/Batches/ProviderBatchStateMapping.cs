using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Domain.Batches;

/// <summary>
/// The one table from a provider's batch state (already normalised by its adapter from the provider's own words,
/// see <see cref="ProviderBatchStatus.RawStatus"/>) to our batch-job status. Adapters map their wire words to
/// <see cref="ProviderBatchState"/>; this maps that to the lifecycle of DESIGN.md.
/// </summary>
public static class ProviderBatchStateMapping
{
    private static readonly IReadOnlyDictionary<ProviderBatchState, BatchJobStatus> Table = new Dictionary<ProviderBatchState, BatchJobStatus>
    {
        // "Validating" is the provider accepting the file: for us the job is still just submitted.
        [ProviderBatchState.Validating] = BatchJobStatus.Submitted,
        [ProviderBatchState.InProgress] = BatchJobStatus.InProgress,
        [ProviderBatchState.Finalizing] = BatchJobStatus.Finalizing,
        [ProviderBatchState.Completed] = BatchJobStatus.Completed,
        [ProviderBatchState.Failed] = BatchJobStatus.Failed,
        [ProviderBatchState.Expired] = BatchJobStatus.Expired,
        [ProviderBatchState.Cancelling] = BatchJobStatus.Cancelling,
        [ProviderBatchState.Cancelled] = BatchJobStatus.Cancelled,
    };

    public static BatchJobStatus ToJobStatus(ProviderBatchState state) =>
        Table.TryGetValue(state, out var status) ? status : throw new ArgumentOutOfRangeException(nameof(state), state, "No mapping for this provider state.");

    /// <summary>The provider holds no more work for this batch: results (if any) can be read.</summary>
    public static bool IsProviderTerminal(ProviderBatchState state) =>
        state is ProviderBatchState.Completed or ProviderBatchState.Failed or ProviderBatchState.Expired or ProviderBatchState.Cancelled;
}
