using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Abstractions;

/// <summary>
/// The provider port: one abstraction over every provider's real-time and batch offers.
/// Adapters translate their provider's wire format and errors into these types; failures are thrown as
/// <see cref="ProviderException"/> with an <see cref="ProviderErrorClass"/> the executor's retry rules understand.
/// </summary>
public interface IInferenceProvider
{
    /// <summary>The provider id this instance serves (see <see cref="ProviderIds"/>).</summary>
    string Provider { get; }

    ProviderCapabilities Capabilities { get; }

    /// <summary>True when this instance stands in for a provider that has no real connection configured.</summary>
    bool IsSimulated { get; }

    Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Submits a batch. Items are streamed: an adapter must not hold the whole payload in memory.
    /// <paramref name="clientReference"/> (our batch job id) is stored with the provider batch so that
    /// <see cref="FindBatchAsync"/> can recover it after a crash between "accepted" and "recorded".
    /// </summary>
    Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken);

    /// <summary>The provider batch carrying <paramref name="clientReference"/>, or null if none was created.</summary>
    Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken);

    Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken);

    /// <summary>Streams the results the provider has for a batch, one item at a time.</summary>
    IAsyncEnumerable<BatchResultItem> ReadResultsAsync(string providerBatchId, CancellationToken cancellationToken);

    Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken);
}

/// <summary>Finds the provider instance for a provider id.</summary>
public interface IProviderRegistry
{
    IInferenceProvider Get(string provider);

    IReadOnlyList<IInferenceProvider> All { get; }
}
