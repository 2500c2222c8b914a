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
/// <c>models/{model}:generateContent</c> for real-time, Batch Mode for batch: inline requests up to
/// <see cref="GeminiOptions.MaxInlineBatchBytes"/> (20 MB), File API JSONL input above that, up to the File API's 2 GB a
/// file. The batch's display name carries our client reference (<c>controlplane-{reference}</c>) so
/// <see cref="FindBatchAsync"/> can list and find it.
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

    /// <summary>
    /// The items are written once, as File API JSONL, to a temporary file. A batch whose inline body stays under
    /// <see cref="GeminiOptions.MaxInlineBatchBytes"/> is rewritten line by line as inline requests; a larger one is
    /// uploaded with the File API's resumable upload and named by <c>inputConfig.fileName</c>. Either way the batch's
    /// display name carries our client reference.
    /// </summary>
    public async Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.Model);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.ClientReference);
        await using var input = await BatchInputFile.WriteAsync(
            Provider, submission.Items, Capabilities.MaxBatchRequests, Capabilities.MaxBatchBytes,
            GeminiWire.WriteFileRequest, cancellationToken);
        if (GeminiWire.InlineBytesAtMost(submission.ClientReference, input.Bytes, input.Count) <= _options.MaxInlineBatchBytes)
        {
            await using var inline = await BatchInputFile.WriteAsync(
                Provider, JsonLines.ReadAsync(input.Stream, cancellationToken), Capabilities.MaxBatchRequests, _options.MaxInlineBatchBytes,
                GeminiWire.WriteInlineRequest, cancellationToken,
                prefix: GeminiWire.BatchBodyPrefix(submission.ClientReference), separator: ",", suffix: GeminiWire.BatchBodySuffix);
            var content = new StreamContent(inline.Stream);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var inlineOperation = await SendJsonAsync(HttpMethod.Post, ModelUrl(submission.Model, "batchGenerateContent"), content, cancellationToken);
            return GeminiWire.Status(inlineOperation.RootElement);
        }
        var fileName = await UploadAsync(input, submission.ClientReference, cancellationToken);
        using var operation = await SendJsonAsync(HttpMethod.Post, ModelUrl(submission.Model, "batchGenerateContent"),
            Json(GeminiWire.FileBatchBody(submission.ClientReference, fileName)), cancellationToken);
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
    /// its key, the key of the input request at the same position is used. A batch with File API input answers in a
    /// JSONL <c>responsesFile</c>, downloaded and read one line at a time; a line naming no request goes on without a
    /// custom id, which ingestion counts as malformed.
    /// </summary>
    public async IAsyncEnumerable<BatchResultItem> ReadResultsAsync(
        string providerBatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? responsesFile;
        using (var operation = await SendJsonAsync(HttpMethod.Get, BatchUrl(providerBatchId), null, cancellationToken))
        {
            var inlined = GeminiWire.Inlined(operation.RootElement);
            if (inlined.ValueKind == JsonValueKind.Array)
            {
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
                yield break;
            }
            responsesFile = GeminiWire.ResponsesFile(operation.RootElement);
        }
        if (responsesFile is null)
        {
            yield break;
        }
        // GET {base}/download/v1beta/{responsesFile}:download?alt=media, as the Batch API guide's REST sample does.
        var url = new Uri($"{_options.BaseUrl.TrimEnd('/')}/download/{_options.ApiVersion}/{EscapePath(responsesFile)}:download?alt=media");
        using var response = await SendAsync(HttpMethod.Get, url, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var line in JsonLines.ReadAsync(stream, cancellationToken))
        {
            yield return GeminiWire.FileResultItem(line) ?? new BatchResultItem("", BatchItemOutcome.Errored, null, null, null,
                $"Gemini batch {providerBatchId} wrote a line without a key to {responsesFile}.");
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
        return Json(buffer.ToArray());
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>
    /// The File API's resumable upload: a <c>start</c> call with the file's size, type and display name answers with
    /// <c>X-Goog-Upload-URL</c>; one <c>upload, finalize</c> call at offset 0 then streams the whole file from disk and
    /// answers with the <c>File</c> (<c>file.name</c> = <c>files/…</c>).
    /// </summary>
    private async Task<string> UploadAsync(BatchInputFile input, string clientReference, CancellationToken cancellationToken)
    {
        var start = new Uri($"{_options.BaseUrl.TrimEnd('/')}/upload/{_options.ApiVersion}/files");
        Uri uploadUrl;
        using (var started = await SendAsync(HttpMethod.Post, start, Json(GeminiWire.UploadStartBody(clientReference)),
            HttpCompletionOption.ResponseContentRead, cancellationToken,
            ("X-Goog-Upload-Protocol", "resumable"), ("X-Goog-Upload-Command", "start"),
            ("X-Goog-Upload-Header-Content-Length", input.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("X-Goog-Upload-Header-Content-Type", "application/jsonl")))
        {
            uploadUrl = started.Headers.TryGetValues("X-Goog-Upload-URL", out var values) && Uri.TryCreate(values.FirstOrDefault(), UriKind.Absolute, out var parsed)
                ? parsed
                : throw new ProviderException(Provider, ProviderErrorClass.ServerError, "The Gemini File API did not answer with an upload URL.");
        }
        input.Stream.Position = 0;
        var content = new StreamContent(input.Stream);
        content.Headers.ContentLength = input.Bytes;
        using var uploaded = await SendAsync(HttpMethod.Post, uploadUrl, content, HttpCompletionOption.ResponseContentRead, cancellationToken,
            ("X-Goog-Upload-Command", "upload, finalize"), ("X-Goog-Upload-Offset", "0"));
        using var file = await ReadJsonAsync(uploaded, cancellationToken);
        return file.RootElement.Child("file").Text("name")
            ?? throw new ProviderException(Provider, ProviderErrorClass.ServerError, "The Gemini File API did not name the uploaded batch input.");
    }

    /// <summary>"files/batch-abc" keeps its slash; each segment is escaped.</summary>
    private static string EscapePath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));

    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, Uri url, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, url, content, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadJsonAsync(response, cancellationToken);
    }

    private Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ProviderErrors.ReadJsonAsync(Provider, response, cancellationToken);

    /// <summary>
    /// Failed answers are thrown by the client's <see cref="ProviderErrorHandler"/>; our own timeout is mapped here. The API
    /// key goes only to the configured origin (an upload URL elsewhere gets none).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content, HttpCompletionOption completion,
        CancellationToken cancellationToken, params (string Name, string Value)[] headers)
    {
        if (!_options.IsConfigured)
        {
            throw new ProviderException(Provider, ProviderErrorClass.Authentication,
                $"No Gemini API key is configured ({GeminiOptions.SectionName}:ApiKey).");
        }
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (Uri.Compare(url, new Uri(_options.BaseUrl), UriComponents.SchemeAndServer, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            request.Headers.Add("x-goog-api-key", _options.ApiKey);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            return await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, completion, cancellationToken);
        }
        catch (Exception error) when (error is not ProviderException &&
            ProviderErrors.FromException(Provider, error, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }
}
