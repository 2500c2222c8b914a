using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using ControlPlane.Jobs.Providers.Errors;
using Microsoft.Extensions.Options;

namespace ControlPlane.Jobs.Providers.Anthropic;

/// <summary>
/// Anthropic: Messages through the official SDK for real-time; Message Batches over the same HttpClient with our own
/// JSON, because the SDK's batch call takes the whole request list as objects in memory, while we stream the items
/// from a temporary file. Errors are mapped inside the HttpClient (<see cref="ProviderErrorHandler"/>), where the
/// <c>retry-after</c> header is still visible; the SDK's own retries are off because the executor retries.
/// </summary>
/// <remarks>
/// Finding a batch by client reference: Message Batches carry no metadata, so the items' custom ids carry a tag of
/// the client reference, which identifies an ended batch from its first result line. An in-progress batch shows no
/// items, so a local <see cref="AnthropicSubmissionJournal"/> remembers each submission (see docs/providers.md).
/// </remarks>
public sealed class AnthropicProvider(
    IHttpClientFactory httpClientFactory, IOptions<AnthropicOptions> options, TimeProvider timeProvider, DataPaths? dataPaths = null)
    : IInferenceProvider
{
    public const string HttpClientName = "ControlPlane.Providers.Anthropic";

    /// <summary>How far a batch's created_at may precede our note of the submission (clock skew between us and Anthropic).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly AnthropicOptions _options = options.Value;
    private readonly AnthropicSubmissionJournal _journal = new(
        Path.Combine(dataPaths?.Root ?? Path.Combine(Path.GetTempPath(), "controlplane"), "anthropic", "submissions"));

    public string Provider => ProviderIds.Anthropic;

    public ProviderCapabilities Capabilities { get; } = ProviderCapabilities.For(ProviderIds.Anthropic);

    public bool IsSimulated => false;

    public async Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var client = new AnthropicClient
        {
            ApiKey = ApiKey(),
            BaseUrl = _options.BaseUrl.TrimEnd('/'),
            HttpClient = httpClientFactory.CreateClient(HttpClientName),
            MaxRetries = 0,
            Timeout = _options.Timeout,
        };
        var system = string.Join("\n\n", request.Messages.Where(m => m.Role == ChatRole.System).Select(m => m.Content));
        var parameters = new MessageCreateParams
        {
            Model = request.Model,
            MaxTokens = request.MaxOutputTokens ?? _options.DefaultMaxTokens,
            Messages = [.. request.Messages.Where(m => m.Role != ChatRole.System).Select(m => m.Role == ChatRole.Assistant
                ? (MessageParam)new AssistantMessageParam { Content = m.Content }
                : new UserMessageParam { Content = m.Content })],
        };
        if (system.Length > 0)
        {
            parameters = parameters with { System = system };
        }
        var started = timeProvider.GetTimestamp();
        Message message;
        try
        {
            message = await client.Messages.Create(parameters, cancellationToken);
        }
        catch (Exception error) when (error is not ProviderException && ProviderErrors.FromException(Provider, error, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
        catch (global::Anthropic.Exceptions.AnthropicApiException error)
        {
            throw ProviderErrors.FromHttp(Provider, (int)error.StatusCode, _ => null, error.ResponseBody, timeProvider.GetUtcNow(), error);
        }
        var output = string.Concat(message.Content.Select(block => block.Value).OfType<TextBlock>().Select(block => block.Text));
        return new CompletionResult(
            output,
            new TokenUsage((int)message.Usage.InputTokens, (int)message.Usage.OutputTokens),
            message.StopReason?.Raw(),
            timeProvider.GetElapsedTime(started));
    }

    public async Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.Model);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.ClientReference);
        var tag = AnthropicBatchWire.Tag(submission.ClientReference);
        await using var input = await BatchInputFile.WriteAsync(
            Provider, submission.Items, Capabilities.MaxBatchRequests, Capabilities.MaxBatchBytes,
            (writer, item) => AnthropicBatchWire.WriteRequest(writer, tag, submission.Model, _options.DefaultMaxTokens, item),
            cancellationToken, prefix: """{"requests":[""", separator: ",", suffix: "]}");
        var note = new AnthropicSubmissionJournal.Entry(submission.ClientReference, submission.Model, timeProvider.GetUtcNow(), input.Count, null);
        await _journal.WriteAsync(tag, note, cancellationToken);
        using var content = new StreamContent(input.Stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var document = await SendJsonAsync(HttpMethod.Post, Url("v1/messages/batches"), content, cancellationToken);
        var status = AnthropicBatchWire.Status(document.RootElement);
        await _journal.WriteAsync(tag, note with { BatchId = status.ProviderBatchId }, CancellationToken.None);
        return status;
    }

    /// <summary>
    /// The journal's batch id when the submission was recorded; otherwise recent batches: an ended one whose first result
    /// carries our tag, or — when the journal shows a submission whose answer was lost — the single unclaimed batch
    /// created since then with the same number of requests.
    /// </summary>
    public async Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken)
    {
        var note = await _journal.ReadAsync(AnthropicBatchWire.Tag(clientReference), cancellationToken);
        if (note?.BatchId is { } known)
        {
            return await GetBatchAsync(known, cancellationToken);
        }
        var claimed = note is null ? [] : await _journal.ClaimedAsync(cancellationToken);
        var candidates = new List<ProviderBatchStatus>();
        var tag = AnthropicBatchWire.Tag(clientReference) + "_";
        string? afterId = null;
        for (var page = 0; page < _options.FindBatchPages; page++)
        {
            var query = afterId is null ? "v1/messages/batches?limit=100" : $"v1/messages/batches?limit=100&after_id={Uri.EscapeDataString(afterId)}";
            using var list = await SendJsonAsync(HttpMethod.Get, Url(query), null, cancellationToken);
            foreach (var batch in list.RootElement.Child("data").EnumerateArray())
            {
                if (batch.Text("results_url") is { } resultsUrl)
                {
                    if (await FirstCustomIdAsync(resultsUrl, cancellationToken) is { } first && first.StartsWith(tag, StringComparison.Ordinal))
                    {
                        return AnthropicBatchWire.Status(batch);
                    }
                }
                else if (note is not null && IsCandidate(batch, note, claimed))
                {
                    candidates.Add(AnthropicBatchWire.Status(batch));
                }
            }
            if (list.RootElement.Child("has_more").ValueKind != JsonValueKind.True)
            {
                break;
            }
            afterId = list.RootElement.Text("last_id");
        }
        // Two unclaimed look-alikes cannot be told apart; saying "not found" is safer than adopting the wrong batch.
        return candidates.Count == 1 ? candidates[0] : null;
    }

    private static bool IsCandidate(JsonElement batch, AnthropicSubmissionJournal.Entry note, HashSet<string> claimed) =>
        batch.Text("id") is { } id && !claimed.Contains(id) &&
        DateTimeOffset.TryParse(batch.Text("created_at"), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var createdAt) &&
        createdAt >= note.SubmittedAt - ClockSkew &&
        AnthropicBatchWire.Status(batch).Total == note.Count;

    public async Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        using var document = await SendJsonAsync(HttpMethod.Get, BatchUrl(providerBatchId), null, cancellationToken);
        return AnthropicBatchWire.Status(document.RootElement);
    }

    /// <summary>Streams the JSONL at <c>results_url</c>; before the batch has ended there is none and nothing is yielded.</summary>
    public async IAsyncEnumerable<BatchResultItem> ReadResultsAsync(
        string providerBatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? resultsUrl;
        using (var batch = await SendJsonAsync(HttpMethod.Get, BatchUrl(providerBatchId), null, cancellationToken))
        {
            resultsUrl = batch.RootElement.Text("results_url");
        }
        if (resultsUrl is null)
        {
            yield break;
        }
        using var response = await SendAsync(HttpMethod.Get, new Uri(resultsUrl), null, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var line in JsonLines.ReadAsync(stream, cancellationToken))
        {
            yield return AnthropicBatchWire.ResultLine(line);
        }
    }

    public async Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var current = await GetBatchAsync(providerBatchId, cancellationToken);
        // Cancelling an ended batch is an error at Anthropic; ours is a safe, repeatable no-op.
        if (current.RawStatus != "in_progress")
        {
            return current;
        }
        using var document = await SendJsonAsync(HttpMethod.Post, new Uri(BatchUrl(providerBatchId) + "/cancel"), null, cancellationToken);
        return AnthropicBatchWire.Status(document.RootElement);
    }

    private async Task<string?> FirstCustomIdAsync(string resultsUrl, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, new Uri(resultsUrl), null, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var line in JsonLines.ReadAsync(stream, cancellationToken))
        {
            return line.Text("custom_id");
        }
        return null;
    }

    private string ApiKey() => _options.IsConfigured
        ? _options.ApiKey!
        : throw new ProviderException(Provider, ProviderErrorClass.Authentication,
            $"No Anthropic API key is configured ({AnthropicOptions.SectionName}:ApiKey).");

    private Uri Url(string relative) => new($"{_options.BaseUrl.TrimEnd('/')}/{relative}");

    private Uri BatchUrl(string providerBatchId) => Url($"v1/messages/batches/{Uri.EscapeDataString(providerBatchId)}");

    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, Uri url, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, url, content, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }

    /// <summary>Failed answers never come back from here: the client's <see cref="ProviderErrorHandler"/> throws them.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("x-api-key", ApiKey());
        request.Headers.Add("anthropic-version", _options.ApiVersion);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
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
