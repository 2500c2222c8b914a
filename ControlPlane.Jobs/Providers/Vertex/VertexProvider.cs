using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using ControlPlane.Jobs.Providers.Errors;
using ControlPlane.Jobs.Providers.Gemini;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Providers.Vertex;

/// <summary>
/// Vertex AI over plain REST with a service-account Bearer token: <c>publishers/google/models/{model}:generateContent</c>
/// for real-time, <c>batchPredictionJobs</c> with JSONL files in Cloud Storage for batch. Cloud Storage is reached
/// through its JSON API on the same HttpClient (not Google.Cloud.Storage.V1), so one error mapping and one token serve
/// both. The job's display name carries our client reference (<c>controlplane-{reference}</c>) for <see cref="FindBatchAsync"/>.
/// </summary>
public sealed class VertexProvider(IHttpClientFactory httpClientFactory, IOptions<VertexOptions> options, TimeProvider timeProvider)
    : IInferenceProvider
{
    public const string HttpClientName = "ControlPlane.Providers.Vertex";

    private readonly VertexOptions _options = options.Value;
    private readonly VertexAccessToken _token = new(options.Value);

    public string Provider => ProviderIds.VertexAI;

    public ProviderCapabilities Capabilities { get; } = ProviderCapabilities.For(ProviderIds.VertexAI);

    public bool IsSimulated => false;

    public async Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            GeminiWire.WriteRequest(writer, request.Messages, request.MaxOutputTokens);
        }
        var started = timeProvider.GetTimestamp();
        var url = new Uri($"{LocationUrl}/publishers/google/models/{Uri.EscapeDataString(request.Model)}:generateContent");
        using var response = await SendJsonAsync(HttpMethod.Post, url, Json(buffer.ToArray()), cancellationToken);
        var (output, usage, finishReason) = GeminiWire.Answer(response.RootElement);
        return new CompletionResult(output, usage, finishReason, timeProvider.GetElapsedTime(started));
    }

    public async Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.Model);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.ClientReference);
        var bucket = Bucket();
        await using var input = await BatchInputFile.WriteAsync(
            Provider, submission.Items, Capabilities.MaxBatchRequests, _options.MaxBatchBytes, VertexWire.WriteInputLine, cancellationToken);
        // One folder per client reference: a resubmission after a crash overwrites its own input, nothing else.
        var folder = $"{_options.BucketPrefix.Trim('/')}/{submission.ClientReference}";
        var content = new StreamContent(input.Stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        var upload = new Uri($"{StorageUrl}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=media&name={Uri.EscapeDataString(folder + "/input.jsonl")}");
        using (await SendJsonAsync(HttpMethod.Post, upload, content, cancellationToken))
        {
        }
        var body = VertexWire.CreateJobBody(submission.Model, submission.ClientReference, input.Count,
            $"gs://{bucket}/{folder}/input.jsonl", $"gs://{bucket}/{folder}/output");
        using var job = await SendJsonAsync(HttpMethod.Post, new Uri($"{LocationUrl}/batchPredictionJobs"), Json(body), cancellationToken);
        return VertexWire.Status(job.RootElement);
    }

    public Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken)
    {
        var displayName = VertexWire.DisplayNamePrefix + clientReference;
        var filter = Uri.EscapeDataString($"display_name=\"{displayName}\"");
        return PagedSearch.FindAsync(_options.FindBatchPages,
            (pageToken, ct) => SendJsonAsync(HttpMethod.Get, new Uri($"{LocationUrl}/batchPredictionJobs?pageSize=100&filter={filter}" +
                (pageToken is null ? "" : $"&pageToken={Uri.EscapeDataString(pageToken)}")), null, ct),
            "batchPredictionJobs",
            job => job.Text("displayName") == displayName && (job.Text("model") ?? "").EndsWith($"/models/{model}", StringComparison.Ordinal),
            VertexWire.Status,
            cancellationToken);
    }

    public async Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        using var job = await SendJsonAsync(HttpMethod.Get, JobUrl(providerBatchId), null, cancellationToken);
        return VertexWire.Status(job.RootElement);
    }

    /// <summary>
    /// Reads every <c>predictions*.jsonl</c> file under the job's output directory line by line, never the whole file
    /// at once. Output rows are not in input order; each carries the <c>key</c> we wrote into its input line.
    /// </summary>
    public async IAsyncEnumerable<BatchResultItem> ReadResultsAsync(
        string providerBatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? directory;
        using (var job = await SendJsonAsync(HttpMethod.Get, JobUrl(providerBatchId), null, cancellationToken))
        {
            directory = VertexWire.OutputDirectory(job.RootElement);
        }
        if (directory is null)
        {
            yield break;
        }
        var (bucket, prefix) = VertexWire.ParseGcsUri(directory);
        foreach (var name in await ListPredictionFilesAsync(bucket, prefix.TrimEnd('/') + "/", cancellationToken))
        {
            var url = new Uri($"{StorageUrl}/storage/v1/b/{Uri.EscapeDataString(bucket)}/o/{Uri.EscapeDataString(name)}?alt=media");
            using var response = await SendAsync(HttpMethod.Get, url, null, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await foreach (var line in JsonLines.ReadAsync(stream, cancellationToken))
            {
                // A row naming no request (damaged, or without our key and label) cannot settle anything, but must not
                // block the other rows either: it goes on without a custom id, and ingestion counts it as malformed.
                yield return VertexWire.ResultItem(line) ?? new BatchResultItem("", BatchItemOutcome.Errored, null, null, null,
                    $"Vertex AI batch {providerBatchId} wrote a row without our key to {name}.");
            }
        }
    }

    public async Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var current = await GetBatchAsync(providerBatchId, cancellationToken);
        if (current.State is ProviderBatchState.Validating or ProviderBatchState.InProgress)
        {
            using (await SendJsonAsync(HttpMethod.Post, new Uri(JobUrl(providerBatchId) + ":cancel"), Json("{}"u8.ToArray()), cancellationToken))
            {
            }
            return await GetBatchAsync(providerBatchId, cancellationToken);
        }
        return current;
    }

    private string LocationUrl =>
        $"{_options.EffectiveBaseUrl}/v1/projects/{Uri.EscapeDataString(_options.ProjectId ?? "")}/locations/{Uri.EscapeDataString(_options.Location)}";

    private string StorageUrl => _options.StorageBaseUrl.TrimEnd('/');

    private Uri JobUrl(string providerBatchId) => new($"{LocationUrl}/batchPredictionJobs/{Uri.EscapeDataString(VertexWire.Id(providerBatchId))}");

    private string Bucket() => string.IsNullOrWhiteSpace(_options.Bucket)
        ? throw new ProviderException(Provider, ProviderErrorClass.InvalidRequest,
            $"Vertex AI batch needs a Cloud Storage bucket ({VertexOptions.SectionName}:Bucket).", 400)
        : _options.Bucket;

    private async Task<List<string>> ListPredictionFilesAsync(string bucket, string prefix, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? pageToken = null;
        do
        {
            var url = $"{StorageUrl}/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?prefix={Uri.EscapeDataString(prefix)}" +
                (pageToken is null ? "" : $"&pageToken={Uri.EscapeDataString(pageToken)}");
            using var list = await SendJsonAsync(HttpMethod.Get, new Uri(url), null, cancellationToken);
            if (list.RootElement.Child("items") is { ValueKind: JsonValueKind.Array } items)
            {
                names.AddRange(items.EnumerateArray().Select(i => i.Text("name")).OfType<string>()
                    .Where(n => n[(n.LastIndexOf('/') + 1)..].StartsWith("predictions", StringComparison.Ordinal) &&
                        n.EndsWith(".jsonl", StringComparison.Ordinal)));
            }
            pageToken = list.RootElement.Text("nextPageToken");
        }
        while (!string.IsNullOrEmpty(pageToken));
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, Uri url, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, url, content, cancellationToken);
        return await ProviderErrors.ReadJsonAsync(Provider, response, cancellationToken);
    }

    /// <summary>Failed answers are thrown by the client's <see cref="ProviderErrorHandler"/>; our own timeout is mapped here.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content, CancellationToken cancellationToken)
    {
        if (!_options.IsConfigured)
        {
            throw new ProviderException(Provider, ProviderErrorClass.Authentication,
                $"No Vertex AI project and service account are configured ({VertexOptions.SectionName}).");
        }
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _token.GetAsync(cancellationToken));
        try
        {
            return await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception error) when (error is not ProviderException &&
            ProviderErrors.FromException(Provider, error, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }
}
