using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Jobs.Tests.Batches;

/// <summary>
/// A provider whose batches do exactly what the test scripts: state, progress counts and result lines, plus the
/// failure modes the batch engine must survive (a crash after accepting a batch, a failing status call).
/// Real-time calls always answer with 100 input and 50 output tokens.
/// </summary>
internal sealed class ScriptedBatchProvider(string provider = "simulator") : IInferenceProvider
{
    public sealed class Batch(string id, string clientReference, IReadOnlyList<string> customIds)
    {
        public string Id { get; } = id;
        public string ClientReference { get; } = clientReference;
        public IReadOnlyList<string> CustomIds { get; } = customIds;
        public ProviderBatchState State { get; set; } = ProviderBatchState.Validating;
        public int Completed { get; set; }
        public int Failed { get; set; }
        public List<BatchResultItem> Results { get; } = [];
        public bool CancelRequested { get; set; }
    }

    private readonly ConcurrentDictionary<string, Batch> _batches = new();
    private int _realtimeCalls;

    public string Provider { get; } = provider;
    public ProviderCapabilities Capabilities { get; set; } = ProviderCapabilities.For(provider);
    public bool IsSimulated => true;

    public int Submissions { get; private set; }
    public int RealtimeCalls => _realtimeCalls;

    /// <summary>The next submit stores the batch and then fails, as a process dying before recording the id would.</summary>
    public bool CrashAfterAccept { get; set; }

    /// <summary>Provider batch ids whose status call throws.</summary>
    public HashSet<string> BrokenBatches { get; } = [];

    /// <summary>Called before each result line is yielded, with its index (e.g. to cancel an ingestion half way).</summary>
    public Action<int>? OnResult { get; set; }

    public IReadOnlyCollection<Batch> Batches => [.. _batches.Values];

    public Batch Single() => _batches.Values.Single();

    public Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _realtimeCalls);
        return Task.FromResult(new CompletionResult($"real-time answer to {request.RequestId}", new TokenUsage(100, 50), "stop", TimeSpan.FromMilliseconds(5)));
    }

    public async Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var item in submission.Items.WithCancellation(cancellationToken))
        {
            ids.Add(item.CustomId);
        }
        Submissions++;
        var batch = new Batch($"batch_{Submissions}", submission.ClientReference, ids);
        _batches[batch.Id] = batch;
        if (CrashAfterAccept)
        {
            CrashAfterAccept = false;
            throw new IOException("The connection dropped after the provider accepted the batch.");
        }
        return Status(batch);
    }

    public Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken) =>
        Task.FromResult(_batches.Values.FirstOrDefault(b => b.ClientReference == clientReference) is { } b ? Status(b) : null);

    public Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken) =>
        BrokenBatches.Contains(providerBatchId)
            ? throw new ProviderException(Provider, ProviderErrorClass.ServerError, "status endpoint down", 503)
            : Task.FromResult(Status(_batches[providerBatchId]));

    public async IAsyncEnumerable<BatchResultItem> ReadResultsAsync(string providerBatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var index = 0;
        foreach (var item in _batches[providerBatchId].Results)
        {
            OnResult?.Invoke(index++);
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return item;
        }
    }

    public Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var batch = _batches[providerBatchId];
        batch.CancelRequested = true;
        return Task.FromResult(Status(batch));
    }

    private static ProviderBatchStatus Status(Batch b) =>
        new(b.Id, b.State, b.State.ToString().ToLowerInvariant(), b.CustomIds.Count, b.Completed, b.Failed, b.Results.Count > 0);

    public static BatchResultItem Success(Guid requestId, int input = 100, int output = 50) =>
        new(requestId.ToString(), BatchItemOutcome.Succeeded, $"batch answer to {requestId}", new TokenUsage(input, output), null, null);

    public static BatchResultItem Error(Guid requestId, ProviderErrorClass errorClass) =>
        new(requestId.ToString(), BatchItemOutcome.Errored, null, null, errorClass, $"item failed: {errorClass}");

    public static BatchResultItem ExpiredItem(Guid requestId) =>
        new(requestId.ToString(), BatchItemOutcome.Expired, null, null, null, "batch expired");
}

/// <summary>Serves one provider instance for every provider id.</summary>
internal sealed class SingleProviderRegistry(IInferenceProvider provider) : IProviderRegistry
{
    public IInferenceProvider Get(string provider1) => provider;

    public IReadOnlyList<IInferenceProvider> All => [provider];
}
