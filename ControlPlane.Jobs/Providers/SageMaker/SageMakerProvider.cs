using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Errors;
using Microsoft.Extensions.Options;
using static ControlPlane.Jobs.Providers.SageMaker.SageMakerWire;

namespace ControlPlane.Jobs.Providers.SageMaker;

/// <summary>
/// AWS SageMaker: <c>InvokeEndpoint</c> for real-time and <c>InvokeEndpointAsync</c> (async inference) as the batch
/// capability. SageMaker has no batch object, so the adapter keeps one in S3: each item's input is uploaded, invoked
/// asynchronously, and recorded in a manifest; status and results come from the output / failure objects the endpoint
/// writes. Cancelling is local only: SageMaker cannot withdraw queued async requests, so those still run and bill.
/// No batch discount: async inference bills the endpoint's instances the same way as real-time.
/// </summary>
public sealed class SageMakerProvider(IHttpClientFactory httpClientFactory, IOptions<SageMakerOptions> options, TimeProvider timeProvider)
    : IInferenceProvider
{
    public const string HttpClientName = "ControlPlane.Providers.SageMaker";
    private const string Service = "sagemaker";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SageMakerOptions _options = options.Value;
    private readonly SageMakerObjects _objects = new(options.Value);

    public string Provider => ProviderIds.SageMaker;

    public ProviderCapabilities Capabilities { get; } = ProviderCapabilities.For(ProviderIds.SageMaker) with { BatchWindow = options.Value.RequestTtl };

    public bool IsSimulated => false;

    public async Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = timeProvider.GetTimestamp();
        using var response = await SendAsync(EndpointUrl(request.Model, "invocations"), Request(request.Messages, request.MaxOutputTokens),
            headers: null, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var (output, usage, finishReason) = Answer(document.RootElement);
        return new CompletionResult(output, usage, finishReason, timeProvider.GetElapsedTime(started));
    }

    public async Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.Model);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.ClientReference);
        RequireBucket();
        var batchId = BatchId(submission.Model, submission.ClientReference);
        var manifestPath = Path.Combine(Path.GetTempPath(), $"controlplane-sagemaker-{Guid.NewGuid():N}.jsonl");
        await using var manifest = new FileStream(manifestPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        var count = 0;
        await foreach (var item in submission.Items.WithCancellation(cancellationToken))
        {
            if (++count > Capabilities.MaxBatchRequests)
            {
                throw new ProviderException(Provider, ProviderErrorClass.InvalidRequest,
                    $"A batch at {Provider} may hold at most {Capabilities.MaxBatchRequests} requests.", 400);
            }
            var line = await InvokeAsyncAsync(batchId, submission.Model, item, cancellationToken);
            await manifest.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(line, Json), cancellationToken);
            manifest.WriteByte((byte)'\n');
        }
        if (count == 0)
        {
            throw new ProviderException(Provider, ProviderErrorClass.InvalidRequest, "A batch needs at least one request.", 400);
        }
        manifest.Position = 0;
        await _objects.PutAsync(_objects.Key(batchId, "manifest.jsonl"), manifest, cancellationToken);
        var meta = new BatchMeta(batchId, submission.ClientReference, submission.Model, timeProvider.GetUtcNow(), count, null);
        await _objects.PutJsonAsync(_objects.Key(batchId, "batch.json"), meta, cancellationToken);
        return new ProviderBatchStatus(batchId, ProviderBatchState.InProgress, "in_progress", count, 0, 0, false);
    }

    /// <summary>The batch id is derived from model and client reference, so finding it is one S3 lookup.</summary>
    public async Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken)
    {
        RequireBucket();
        var batchId = BatchId(model, clientReference);
        return await _objects.GetJsonAsync<BatchMeta>(_objects.Key(batchId, "batch.json"), cancellationToken) is null
            ? null
            : await GetBatchAsync(batchId, cancellationToken);
    }

    public async Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var meta = await LoadAsync(providerBatchId, cancellationToken);
        var outcomes = await OutcomesAsync(providerBatchId, cancellationToken);
        var completed = outcomes.Count(o => o.Value == Outcome.Output);
        var failed = outcomes.Count(o => o.Value == Outcome.Failure);
        var state = StateOf(meta, completed + failed, completed);
        return new ProviderBatchStatus(providerBatchId, state, RawStatus(state), meta.Total, completed, failed, completed + failed > 0);
    }

    public async IAsyncEnumerable<BatchResultItem> ReadResultsAsync(
        string providerBatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var meta = await LoadAsync(providerBatchId, cancellationToken);
        var outcomes = await OutcomesAsync(providerBatchId, cancellationToken);
        var state = StateOf(meta, outcomes.Count(o => o.Value != Outcome.Pending), outcomes.Count(o => o.Value == Outcome.Output));
        await foreach (var line in ManifestAsync(providerBatchId, cancellationToken))
        {
            switch (outcomes.GetValueOrDefault(line.CustomId))
            {
                case Outcome.Output:
                    yield return OutputItem(line.CustomId, await _objects.ReadTextAsync(line.OutputLocation, cancellationToken) ?? "{}");
                    break;
                case Outcome.Failure:
                    var failure = await _objects.ReadTextAsync(line.FailureLocation!, cancellationToken) ?? "";
                    // The failure object holds the container's error text; the model failing is a server-side fault.
                    yield return new BatchResultItem(line.CustomId, BatchItemOutcome.Errored, null, null, ProviderErrorClass.ServerError,
                        failure.Length > 500 ? failure[..500] : failure);
                    break;
                case Outcome.Pending when state == ProviderBatchState.Cancelled:
                    yield return new BatchResultItem(line.CustomId, BatchItemOutcome.Cancelled, null, null, null, "The batch was cancelled before this request ran.");
                    break;
                case Outcome.Pending when state == ProviderBatchState.Expired:
                    yield return new BatchResultItem(line.CustomId, BatchItemOutcome.Expired, null, null, null, "The request outlived its time to live in the endpoint's queue.");
                    break;
            }
        }
    }

    public async Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var meta = await LoadAsync(providerBatchId, cancellationToken);
        var status = await GetBatchAsync(providerBatchId, cancellationToken);
        if (meta.CancelledAt is not null || status.State is ProviderBatchState.Completed or ProviderBatchState.Failed or ProviderBatchState.Expired)
        {
            return status;
        }
        await _objects.PutJsonAsync(_objects.Key(providerBatchId, "batch.json"), meta with { CancelledAt = timeProvider.GetUtcNow() }, cancellationToken);
        return await GetBatchAsync(providerBatchId, cancellationToken);
    }

    private async Task<ManifestLine> InvokeAsyncAsync(string batchId, string endpoint, BatchItem item, CancellationToken cancellationToken)
    {
        var inputKey = _objects.Key(batchId, $"input/{Uri.EscapeDataString(item.CustomId)}.json");
        await _objects.PutBytesAsync(inputKey, Request(item.Messages, item.MaxOutputTokens), cancellationToken);
        var headers = new Dictionary<string, string>
        {
            ["X-Amzn-SageMaker-InputLocation"] = $"s3://{_options.S3Bucket}/{inputKey}",
            ["X-Amzn-SageMaker-Content-Type"] = "application/json",
            ["X-Amzn-SageMaker-Accept"] = "application/json",
            ["X-Amzn-SageMaker-RequestTTLSeconds"] = ((int)_options.RequestTtl.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        using var response = await SendAsync(EndpointUrl(endpoint, "async-invocations"), [], headers, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var root = document.RootElement;
        var output = Common.JsonLines.Text(root, "OutputLocation") ?? Header(response, "X-Amzn-SageMaker-OutputLocation") ??
            throw new ProviderException(Provider, ProviderErrorClass.ServerError, "SageMaker accepted an async request without an output location.");
        return new ManifestLine(item.CustomId, Common.JsonLines.Text(root, "InferenceId"), output,
            Common.JsonLines.Text(root, "FailureLocation") ?? Header(response, "X-Amzn-SageMaker-FailureLocation"));
    }

    /// <summary>
    /// The endpoint's answer. An output that is not JSON (a proxy's error page, a cut-off object) settles nothing but
    /// must not block the other items: it comes back without output or usage, which ingestion counts as malformed.
    /// </summary>
    private static BatchResultItem OutputItem(string customId, string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            var (output, usage, _) = Answer(document.RootElement);
            return new BatchResultItem(customId, BatchItemOutcome.Succeeded, output, usage, null, null);
        }
        catch (JsonException)
        {
            return new BatchResultItem(customId, BatchItemOutcome.Succeeded, null, null, null, "The endpoint's output is not JSON.");
        }
    }

    private enum Outcome { Pending, Output, Failure }

    private async Task<Dictionary<string, Outcome>> OutcomesAsync(string batchId, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentDictionary<string, Outcome>();
        await Parallel.ForEachAsync(ManifestAsync(batchId, cancellationToken),
            new ParallelOptions { MaxDegreeOfParallelism = _options.StatusConcurrency, CancellationToken = cancellationToken },
            async (line, token) =>
            {
                outcomes[line.CustomId] =
                    await _objects.ExistsAsync(line.OutputLocation, token) ? Outcome.Output :
                    line.FailureLocation is not null && await _objects.ExistsAsync(line.FailureLocation, token) ? Outcome.Failure :
                    Outcome.Pending;
            });
        return new Dictionary<string, Outcome>(outcomes);
    }

    private async IAsyncEnumerable<ManifestLine> ManifestAsync(string batchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await _objects.OpenAsync(_objects.Key(batchId, "manifest.jsonl"), cancellationToken) ?? throw NotFound(batchId);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            if (!string.IsNullOrWhiteSpace(text))
            {
                yield return JsonSerializer.Deserialize<ManifestLine>(text, Json)!;
            }
        }
    }

    private ProviderBatchState StateOf(BatchMeta meta, int done, int succeeded)
    {
        if (meta.CancelledAt is not null)
        {
            return ProviderBatchState.Cancelled;
        }
        if (done >= meta.Total)
        {
            return succeeded > 0 ? ProviderBatchState.Completed : ProviderBatchState.Failed;
        }
        return timeProvider.GetUtcNow() > meta.SubmittedAt + _options.RequestTtl ? ProviderBatchState.Expired : ProviderBatchState.InProgress;
    }

    private static string RawStatus(ProviderBatchState state) => state switch
    {
        ProviderBatchState.InProgress => "in_progress",
        ProviderBatchState.Completed => "completed",
        ProviderBatchState.Failed => "failed",
        ProviderBatchState.Expired => "expired",
        ProviderBatchState.Cancelled => "cancelled",
        _ => state.ToString().ToLowerInvariant(),
    };

    private async Task<BatchMeta> LoadAsync(string batchId, CancellationToken cancellationToken)
    {
        RequireBucket();
        return await _objects.GetJsonAsync<BatchMeta>(_objects.Key(batchId, "batch.json"), cancellationToken) ?? throw NotFound(batchId);
    }

    private ProviderException NotFound(string batchId) =>
        new(Provider, ProviderErrorClass.InvalidRequest, $"No SageMaker batch '{batchId}' exists in s3://{_options.S3Bucket}/{_options.S3Prefix}.", 404);

    private void RequireBucket()
    {
        if (string.IsNullOrWhiteSpace(_options.S3Bucket))
        {
            throw new ProviderException(Provider, ProviderErrorClass.InvalidRequest,
                $"SageMaker batches need an S3 bucket ({SageMakerOptions.SectionName}:S3Bucket).");
        }
    }

    private static string BatchId(string model, string clientReference) =>
        "cp-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{model}\n{clientReference}")))[..32];

    private Uri EndpointUrl(string endpoint, string action) =>
        new($"{_options.RuntimeBaseUrl}/endpoints/{Uri.EscapeDataString(endpoint)}/{action}");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Signs and sends one runtime call; failed answers are thrown by the client's <see cref="ProviderErrorHandler"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(Uri url, byte[] payload, Dictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var credentials = await _objects.CredentialsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        SigV4Signer.Sign(request, payload, credentials.AccessKey, credentials.SecretKey, credentials.UseToken ? credentials.Token : null,
            _options.Region!, Service, timeProvider.GetUtcNow());
        try
        {
            return await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception error) when (error is not ProviderException &&
            ProviderErrors.FromException(Provider, error, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }
}
