using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using ControlPlane.Jobs.Providers.Errors;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Providers.Gemini;

/// <summary>
/// The Gemini API over plain REST (the .NET client our customer named is not on our package source):
/// <c>models/{model}:generateContent</c> for real-time, Batch Mode with inline requests for batch. The batch's display
/// name carries our client reference (<c>controlplane-{reference}</c>) so <see cref="FindBatchAsync"/> can list and find it.
/// Inline input is capped at 20 MB; larger batches would need the File API input, which this adapter does not do yet.
/// </summary>
public sealed class GeminiProvider(IHttpClientFactory httpClientFactory, IOptions<GeminiOptions> options, TimeProvider timeProvider)
    : IInferenceProvider
{
    public const string HttpClientName = "ControlPlane.Providers.Gemini";

    private readonly GeminiOptions _options = options.Value;

    public string Provider => ProviderIds.Gemini;

    public ProviderCapabilities Capabilities { get; } = ProviderCapabilities.For(ProviderIds.Gemini);

    public bool IsSimulated => false;

    public async Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = Json(writer => GeminiWire.WriteRequest(writer, request.Messages, request.MaxOutputTokens));
        var started = timeProvider.GetTimestamp();
        using var response = await SendJsonAsync(HttpMethod.Post, ModelUrl(request.Model, "generateContent"), body, cancellationToken);
        var (output, usage, finishReason) = GeminiWire.Answer(response.RootElement);
        return new CompletionResult(output, usage, finishReason, timeProvider.GetElapsedTime(started));
    }

    public async Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.Model);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.ClientReference);
        await using var input = await BatchInputFile.WriteAsync(
            Provider, submission.Items, Capabilities.MaxBatchRequests, _options.MaxInlineBatchBytes,
            GeminiWire.WriteInlineRequest, cancellationToken,
            prefix: GeminiWire.BatchBodyPrefix(submission.ClientReference), separator: ",", suffix: GeminiWire.BatchBodySuffix);
        var content = new StreamContent(input.Stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var operation = await SendJsonAsync(HttpMethod.Post, ModelUrl(submission.Model, "batchGenerateContent"), content, cancellationToken);
        return GeminiWire.Status(operation.RootElement);
    }

    public Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken)
    {
        var displayName = GeminiWire.DisplayNamePrefix + clientReference;
        return PagedSearch.FindAsync(_options.FindBatchPages,
            (pageToken, ct) => SendJsonAsync(HttpMethod.Get,
                Url(pageToken is null ? "batches?pageSize=100" : $"batches?pageSize=100&pageToken={Uri.EscapeDataString(pageToken)}"), null, ct),
            "operations",
            operation =>
            {
                var batch = GeminiWire.BatchOf(operation);
                return batch.Text("displayName") == displayName && (batch.Text("model") ?? $"models/{model}") == $"models/{model}";
            },
            GeminiWire.Status,
            cancellationToken);
    }

    public async Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        using var operation = await SendJsonAsync(HttpMethod.Get, BatchUrl(providerBatchId), null, cancellationToken);
        return GeminiWire.Status(operation.RootElement);
    }

    /// <summary>
    /// Inline responses come back in input order, each keyed by the <c>metadata.key</c> we sent; when a response lacks
    /// its key, the key of the input request at the same position is used.
    /// </summary>
    public async IAsyncEnumerable<BatchResultItem> ReadResultsAsync(
        string providerBatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var operation = await SendJsonAsync(HttpMethod.Get, BatchUrl(providerBatchId), null, cancellationToken);
        var inlined = GeminiWire.Inlined(operation.RootElement);
        if (inlined.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }
        var inputKeys = GeminiWire.InputKeys(operation.RootElement);
        var index = 0;
        foreach (var item in inlined.EnumerateArray())
        {
            var key = item.Child("metadata").Text("key") ?? (index < inputKeys.Count ? inputKeys[index] : null) ??
                throw new ProviderException(Provider, ProviderErrorClass.ServerError,
                    $"Gemini batch {providerBatchId} returned response #{index} without a key, and the batch does not echo its input.");
            index++;
            yield return GeminiWire.ResultItem(key, item);
        }
    }

    public async Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var current = await GetBatchAsync(providerBatchId, cancellationToken);
        if (current.State is ProviderBatchState.Validating or ProviderBatchState.InProgress)
        {
            using var _ = await SendJsonAsync(HttpMethod.Post, new Uri(BatchUrl(providerBatchId) + ":cancel"), null, cancellationToken);
            return await GetBatchAsync(providerBatchId, cancellationToken);
        }
        return current;
    }

    private Uri Url(string relative) => new($"{_options.BaseUrl.TrimEnd('/')}/{_options.ApiVersion}/{relative}");

    private Uri ModelUrl(string model, string method) => Url($"models/{Uri.EscapeDataString(model)}:{method}");

    private Uri BatchUrl(string providerBatchId) => Url($"batches/{Uri.EscapeDataString(GeminiWire.Id(providerBatchId))}");

    private static ByteArrayContent Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Failed answers are thrown by the client's <see cref="ProviderErrorHandler"/>; our own timeout is mapped here.</summary>
    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, Uri url, HttpContent? content, CancellationToken cancellationToken)
    {
        if (!_options.IsConfigured)
        {
            throw new ProviderException(Provider, ProviderErrorClass.Authentication,
                $"No Gemini API key is configured ({GeminiOptions.SectionName}:ApiKey).");
        }
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("x-goog-api-key", _options.ApiKey);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (Exception error) when (error is not ProviderException &&
            ProviderErrors.FromException(Provider, error, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }
}
