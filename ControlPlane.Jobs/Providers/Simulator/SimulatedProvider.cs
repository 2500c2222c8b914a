using System.Runtime.CompilerServices;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>
/// The embedded default provider: answers real-time calls and runs batches without any network, with the
/// latency, errors and batch life cycle of a real provider, all derived from <see cref="SimulatorOptions.Seed"/>.
/// It serves one provider id: "simulator" itself, or a real provider (e.g. "openai") it stands in for.
/// </summary>
public sealed class SimulatedProvider(string provider, SimulatorOptions options, DataPaths dataPaths, TimeProvider timeProvider)
    : IInferenceProvider
{
    private readonly SimulatedBatchStore _store = new(dataPaths);

    public string Provider { get; } = provider;

    /// <summary>The real provider's limits, but with the compressed window so expiry can be seen within minutes.</summary>
    public ProviderCapabilities Capabilities { get; } = ProviderCapabilities.For(provider) with { BatchWindow = options.BatchWindow };

    public bool IsSimulated => true;

    public async Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Messages.Count == 0)
        {
            throw new ProviderException(Provider, ProviderErrorClass.InvalidRequest, "A completion needs at least one message.", 400);
        }

        // The draws happen in a fixed order so that the same request gives the same latency, error and answer.
        var random = StableRandom.From(options.Seed, "realtime", request.RequestId, request.Attempt, request.Model);
        var latency = DrawLatency(random);
        var failure = DrawFailure(random);
        var started = timeProvider.GetTimestamp();

        // A rate limiter rejects before any work is done, so a 429 comes back at once.
        if (failure == ProviderErrorClass.RateLimited)
        {
            throw new ProviderException(
                Provider, ProviderErrorClass.RateLimited, $"Simulated rate limit at {Provider}: retry after {options.RetryAfter}.",
                429, options.RetryAfter);
        }
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, timeProvider, cancellationToken);
        }
        switch (failure)
        {
            case ProviderErrorClass.ServerError:
                var status = random.NextDouble() < 0.5 ? 500 : 503;
                throw new ProviderException(Provider, ProviderErrorClass.ServerError, $"Simulated server error at {Provider} ({status}).", status);
            case ProviderErrorClass.Timeout:
                throw new ProviderException(Provider, ProviderErrorClass.Timeout, $"Simulated timeout: {Provider} did not answer in time.");
        }

        var (output, usage, finishReason) = Answer(random, request.Model, request.Messages, request.MaxOutputTokens);
        return new CompletionResult(output, usage, finishReason, timeProvider.GetElapsedTime(started));
    }

    public async Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.Model);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.ClientReference);

        var now = timeProvider.GetUtcNow();
        var id = SimulatedBatchStore.NewId(now);
        var folder = _store.CreateFolder(id);
        try
        {
            var schedule = SimulatedBatchSchedule.Empty();
            var accepted = 0;
            var count = await SimulatedBatchStore.WriteInputAsync(folder, submission.Items, item =>
            {
                schedule.Add(SimulatedItemPlan.For(options.Seed, submission.ClientReference, item.CustomId, options.BatchItemFailureRate));
                if (++accepted > Capabilities.MaxBatchRequests)
                {
                    throw new ProviderException(Provider, ProviderErrorClass.InvalidRequest,
                        $"A batch at {Provider} may hold at most {Capabilities.MaxBatchRequests} requests.", 400);
                }
            }, cancellationToken);
            if (count == 0)
            {
                throw new ProviderException(Provider, ProviderErrorClass.InvalidRequest, "A batch needs at least one request.", 400);
            }

            var (fate, fateProgress) = DrawFate(submission.ClientReference);
            var meta = new SimulatedBatchMeta(
                id, Provider, submission.Model, submission.ClientReference, now, count, fate, fateProgress,
                options.Seed, options.BatchTurnaround, options.BatchWindow, options.BatchItemFailureRate);
            await SimulatedBatchStore.WriteScheduleAsync(folder, schedule, cancellationToken);
            await _store.WriteReferenceAsync(Provider, submission.Model, submission.ClientReference, id, cancellationToken);
            // meta.json last: its presence is what makes the batch exist.
            await SimulatedBatchStore.WriteMetaAsync(folder, meta, cancellationToken);
            return SimulatedBatchClock.StatusAt(meta, schedule, now);
        }
        catch
        {
            SimulatedBatchStore.DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>
    /// Looks the client reference up in the store's reference index (one small file per reference): constant time,
    /// however many batches are on disk. Batches submitted before the index existed are not found this way.
    /// </summary>
    public async Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken)
    {
        if (await _store.ReadReferenceAsync(Provider, model, clientReference, cancellationToken) is not { } id ||
            _store.FolderOf(id) is not { } folder ||
            await SimulatedBatchStore.ReadMetaAsync(folder, cancellationToken) is not { } meta ||
            meta.Provider != Provider || meta.Model != model || meta.ClientReference != clientReference)
        {
            return null;
        }
        return await GetBatchAsync(id, cancellationToken);
    }

    public async Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var (folder, meta) = await LoadAsync(providerBatchId, cancellationToken);
        var schedule = await ReadScheduleAsync(folder, providerBatchId, cancellationToken);
        return SimulatedBatchClock.StatusAt(meta, schedule, timeProvider.GetUtcNow());
    }

    public async IAsyncEnumerable<BatchResultItem> ReadResultsAsync(
        string providerBatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (folder, meta) = await LoadAsync(providerBatchId, cancellationToken);
        var now = timeProvider.GetUtcNow();
        var doneSteps = SimulatedBatchClock.DoneSteps(SimulatedBatchClock.ProgressAt(meta, now));
        var (unfinished, reason) = SimulatedBatchClock.StateAt(meta, now) switch
        {
            ProviderBatchState.Expired => ((BatchItemOutcome?)BatchItemOutcome.Expired, "The batch expired before this request was processed."),
            ProviderBatchState.Cancelled => (BatchItemOutcome.Cancelled, "The batch was cancelled before this request was processed."),
            _ => (null, null),
        };

        await foreach (var line in SimulatedBatchStore.ReadInputAsync(folder, cancellationToken))
        {
            var plan = SimulatedItemPlan.For(meta.Seed, meta.ClientReference, line.CustomId, meta.ItemFailureRate);
            if (plan.Step < doneSteps)
            {
                yield return plan.Fails ? Errored(line.CustomId, plan.ErrorClass) : Succeeded(meta.Model, line, plan.Random);
            }
            else if (unfinished is { } outcome)
            {
                yield return new BatchResultItem(line.CustomId, outcome, null, null, null, reason);
            }
        }
    }

    /// <summary>
    /// Records the cancellation; cancelling a batch that is already cancelled or finished changes nothing and
    /// returns its status, so a best-effort cancel (as when promoting) is always safe to repeat.
    /// </summary>
    public async Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var (folder, meta) = await LoadAsync(providerBatchId, cancellationToken);
        var schedule = await ReadScheduleAsync(folder, providerBatchId, cancellationToken);
        var now = timeProvider.GetUtcNow();
        if (meta.CancelledAt is null && !SimulatedBatchClock.IsTerminal(SimulatedBatchClock.StateAt(meta, now)))
        {
            meta = meta with { CancelledAt = now };
            await SimulatedBatchStore.WriteMetaAsync(folder, meta, cancellationToken);
        }
        return SimulatedBatchClock.StatusAt(meta, schedule, now);
    }

    private (string Output, TokenUsage Usage, string FinishReason) Answer(
        StableRandom random, string model, IReadOnlyList<ChatMessage> messages, int? maxOutputTokens)
    {
        var outputTokens = SimulatedAnswer.DrawOutputTokens(random, maxOutputTokens);
        var output = SimulatedAnswer.Write(random, Provider, model, messages, outputTokens);
        var hitCap = outputTokens == Math.Max(1, maxOutputTokens ?? SimulatedAnswer.DefaultMaxOutputTokens);
        return (output, new TokenUsage(SimulatedAnswer.CountInputTokens(messages), outputTokens), hitCap ? "length" : "stop");
    }

    private BatchResultItem Succeeded(string model, SimulatedBatchLine line, StableRandom random)
    {
        var (output, usage, _) = Answer(random, model, line.Messages, line.MaxTokens);
        return new BatchResultItem(line.CustomId, BatchItemOutcome.Succeeded, output, usage, null, null);
    }

    private static BatchResultItem Errored(string customId, ProviderErrorClass errorClass) => new(
        customId, BatchItemOutcome.Errored, null, null, errorClass,
        errorClass == ProviderErrorClass.InvalidRequest
            ? "Simulated invalid request: the provider rejected this item."
            : "Simulated server error while processing this item.");

    private TimeSpan DrawLatency(StableRandom random)
    {
        var gaussian = random.NextGaussian();
        if (options.RealtimeLatencyMedianMs <= 0)
        {
            return TimeSpan.Zero;
        }
        // Capped so one unlucky draw from the tail cannot hang a demo for minutes.
        var ms = Math.Min(options.RealtimeLatencyMedianMs * Math.Exp(options.RealtimeLatencySigma * gaussian), options.RealtimeLatencyMedianMs * 20);
        return TimeSpan.FromMilliseconds(ms);
    }

    private ProviderErrorClass? DrawFailure(StableRandom random)
    {
        var fails = random.NextDouble() < options.RealtimeErrorRate;
        var pick = random.NextDouble() * (options.RateLimitedShare + options.ServerErrorShare + options.TimeoutShare);
        if (!fails)
        {
            return null;
        }
        if (pick < options.RateLimitedShare)
        {
            return ProviderErrorClass.RateLimited;
        }
        return pick < options.RateLimitedShare + options.ServerErrorShare ? ProviderErrorClass.ServerError : ProviderErrorClass.Timeout;
    }

    private (SimulatedBatchFate Fate, double Progress) DrawFate(string clientReference)
    {
        var random = StableRandom.From(options.Seed, "batch-fate", clientReference);
        var roll = random.NextDouble();
        var point = random.NextDouble();
        if (roll < options.BatchStallRate)
        {
            return (SimulatedBatchFate.Stall, 0.2 + 0.5 * point);
        }
        return roll < options.BatchStallRate + options.BatchExpiryRate
            ? (SimulatedBatchFate.Expire, 0.3 + 0.5 * point)
            : (SimulatedBatchFate.Normal, 1.0);
    }

    private async Task<(string Folder, SimulatedBatchMeta Meta)> LoadAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        if (_store.FolderOf(providerBatchId) is { } folder &&
            await SimulatedBatchStore.ReadMetaAsync(folder, cancellationToken) is { } meta &&
            meta.Provider == Provider)
        {
            return (folder, meta);
        }
        throw NotFound(providerBatchId);
    }

    private async Task<SimulatedBatchSchedule> ReadScheduleAsync(string folder, string providerBatchId, CancellationToken cancellationToken) =>
        await SimulatedBatchStore.ReadScheduleAsync(folder, cancellationToken) ?? throw NotFound(providerBatchId);

    private ProviderException NotFound(string providerBatchId) => new(
        Provider, ProviderErrorClass.InvalidRequest, $"No batch '{providerBatchId}' exists at the Simulator for {Provider}.", 404);
}
