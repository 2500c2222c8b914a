using System.Collections.Concurrent;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Jobs.Tests.Realtime;

/// <summary>A provider fake that answers each call from a per-model script: an exception, a hang, or an answer.</summary>
internal sealed class ScriptedProvider(string provider, TimeProvider clock) : IInferenceProvider
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<CompletionResult>>> _scripts = new();

    public static readonly Func<CompletionResult> Hang = () => throw new InvalidOperationException("hang");

    public List<(string Model, int Attempt, DateTimeOffset At)> Calls { get; } = [];
    public string Provider => provider;
    public ProviderCapabilities Capabilities => ProviderCapabilities.For(provider);
    public bool IsSimulated => false;

    public ScriptedProvider Then(string model, params Func<CompletionResult>[] steps)
    {
        var queue = _scripts.GetOrAdd(model, _ => new());
        foreach (var step in steps)
        {
            queue.Enqueue(step);
        }
        return this;
    }

    public static Func<CompletionResult> Fails(ProviderErrorClass errorClass, TimeSpan? retryAfter = null) =>
        () => throw new ProviderException("p", errorClass, $"scripted {errorClass}", retryAfter: retryAfter);

    public static Func<CompletionResult> Answers(string text, int input = 100, int output = 50) =>
        () => new CompletionResult(text, new TokenUsage(input, output), "stop", TimeSpan.FromMilliseconds(5));

    public async Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        lock (Calls)
        {
            Calls.Add((request.Model, request.Attempt, clock.GetUtcNow()));
        }
        var step = _scripts.TryGetValue(request.Model, out var q) && q.TryDequeue(out var s) ? s : Answers("default");
        if (step == Hang)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, cancellationToken);
        }
        return step();
    }

    public Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken) => throw new NotSupportedException();
    public IAsyncEnumerable<BatchResultItem> ReadResultsAsync(string providerBatchId, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken) => throw new NotSupportedException();
}

internal sealed class ScriptedRegistry(params IInferenceProvider[] providers) : IProviderRegistry
{
    public IReadOnlyList<IInferenceProvider> All => providers;

    public IInferenceProvider Get(string provider) =>
        providers.FirstOrDefault(p => p.Provider == provider) ?? throw new DomainException($"no provider {provider}");
}
