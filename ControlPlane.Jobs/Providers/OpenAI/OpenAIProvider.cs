using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using ControlPlane.Jobs.Providers.Errors;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Files;
using OurMessage = ControlPlane.Domain.Abstractions.ChatMessage;

#pragma warning disable OPENAI001 // The Batch client is marked experimental in OpenAI 2.x; we use its protocol methods only.

namespace ControlPlane.Jobs.Providers.OpenAI;

/// <summary>
/// OpenAI through the official SDK: chat completions for real-time; Files (<c>purpose=batch</c>) plus Batches for batch.
/// The SDK's batch client is protocol-level in 2.x, so the batch calls send our own JSON through the SDK's pipeline
/// (same authentication, transport and error handling as the chat calls). The SDK's own retries are off:
/// the real-time executor retries with our error classes, and two retry layers would multiply the wait.
/// </summary>
public sealed class OpenAIProvider(IHttpClientFactory httpClientFactory, IOptions<OpenAIOptions> options, TimeProvider timeProvider)
    : IInferenceProvider
{
    public const string HttpClientName = "ControlPlane.Providers.OpenAI";
    private const int ListPageSize = 100;

    private readonly OpenAIOptions _options = options.Value;

    public string Provider => ProviderIds.OpenAI;

    public ProviderCapabilities Capabilities { get; } = ProviderCapabilities.For(ProviderIds.OpenAI);

    public bool IsSimulated => false;

    public async Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var chat = Client().GetChatClient(request.Model);
        var chatOptions = new ChatCompletionOptions { MaxOutputTokenCount = request.MaxOutputTokens };
        var started = timeProvider.GetTimestamp();
        var completion = await CallAsync(
            async () => (await chat.CompleteChatAsync(request.Messages.Select(ToSdk), chatOptions, cancellationToken)).Value,
            cancellationToken);
        var output = string.Concat(completion.Content.Select(part => part.Text));
        return new CompletionResult(
            output,
            new TokenUsage(completion.Usage?.InputTokenCount ?? 0, completion.Usage?.OutputTokenCount ?? 0),
            FinishReason(completion.FinishReason),
            timeProvider.GetElapsedTime(started));
    }

    public async Task<ProviderBatchStatus> SubmitBatchAsync(BatchSubmission submission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.Model);
        ArgumentException.ThrowIfNullOrWhiteSpace(submission.ClientReference);

        await using var input = await BatchInputFile.WriteAsync(
            Provider, submission.Items, Capabilities.MaxBatchRequests, Capabilities.MaxBatchBytes,
            (writer, item) => OpenAIBatchWire.WriteInputLine(writer, submission.Model, item), cancellationToken);

        var client = Client();
        var file = await CallAsync(
            async () => (await client.GetOpenAIFileClient().UploadFileAsync(
                input.Stream, $"controlplane-{submission.ClientReference}.jsonl", FileUploadPurpose.Batch, cancellationToken)).Value,
            cancellationToken);

        var body = BinaryContent.Create(BinaryData.FromBytes(OpenAIBatchWire.CreateBody(file.Id, submission.Model, submission.ClientReference)));
        var created = await CallAsync(
            async () => await client.GetBatchClient().CreateBatchAsync(body, waitUntilCompleted: false, Options(cancellationToken)),
            cancellationToken);
        using var document = JsonDocument.Parse(created.GetRawResponse().Content);
        return OpenAIBatchWire.Status(document.RootElement);
    }

    /// <summary>
    /// Lists recent batches (newest first, <see cref="OpenAIOptions.FindBatchPages"/> pages of 100) and returns the newest
    /// whose metadata carries our client reference.
    /// </summary>
    public async Task<ProviderBatchStatus?> FindBatchAsync(string model, string clientReference, CancellationToken cancellationToken)
    {
        string? after = null;
        for (var page = 0; page < _options.FindBatchPages; page++)
        {
            var query = after is null ? $"batches?limit={ListPageSize}" : $"batches?limit={ListPageSize}&after={Uri.EscapeDataString(after)}";
            using var document = await GetJsonAsync(query, cancellationToken);
            var data = document.RootElement.Child("data");
            if (data.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            foreach (var batch in data.EnumerateArray())
            {
                var metadata = batch.Child("metadata");
                if (metadata.Text(OpenAIBatchWire.ClientReferenceKey) == clientReference &&
                    (metadata.Text(OpenAIBatchWire.ModelKey) ?? model) == model)
                {
                    return OpenAIBatchWire.Status(batch);
                }
            }
            if (document.RootElement.Child("has_more").ValueKind != JsonValueKind.True)
            {
                return null;
            }
            after = document.RootElement.Text("last_id");
        }
        return null;
    }

    public async Task<ProviderBatchStatus> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        using var document = await GetJsonAsync($"batches/{Uri.EscapeDataString(providerBatchId)}", cancellationToken);
        return OpenAIBatchWire.Status(document.RootElement);
    }

    /// <summary>
    /// Streams the output file (successes and per-request errors), then the error file (failures, and for an expired or
    /// cancelled batch the requests it never ran). An expired batch keeps the lines it completed.
    /// </summary>
    public async IAsyncEnumerable<BatchResultItem> ReadResultsAsync(
        string providerBatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var batch = await GetJsonAsync($"batches/{Uri.EscapeDataString(providerBatchId)}", cancellationToken);
        foreach (var fileId in new[] { batch.RootElement.Text("output_file_id"), batch.RootElement.Text("error_file_id") })
        {
            if (fileId is null)
            {
                continue;
            }
            using var response = await SendAsync("GET", $"files/{Uri.EscapeDataString(fileId)}/content", null, buffer: false, cancellationToken);
            await foreach (var line in JsonLines.ReadAsync(response.ContentStream!, cancellationToken))
            {
                yield return OpenAIBatchWire.ResultLine(line);
            }
        }
    }

    public async Task<ProviderBatchStatus> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken)
    {
        var current = await GetBatchAsync(providerBatchId, cancellationToken);
        // Cancelling a finished batch is an error at OpenAI; ours is a safe, repeatable no-op.
        if (current.State is ProviderBatchState.Completed or ProviderBatchState.Failed or ProviderBatchState.Expired
            or ProviderBatchState.Cancelled or ProviderBatchState.Cancelling)
        {
            return current;
        }
        using var response = await SendAsync("POST", $"batches/{Uri.EscapeDataString(providerBatchId)}/cancel", null, buffer: true, cancellationToken);
        using var document = JsonDocument.Parse(response.Content);
        return OpenAIBatchWire.Status(document.RootElement);
    }

    private OpenAIClient Client()
    {
        if (!_options.IsConfigured)
        {
            throw new ProviderException(Provider, ProviderErrorClass.Authentication,
                $"No OpenAI API key is configured ({OpenAIOptions.SectionName}:ApiKey).");
        }
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(_options.BaseUrl.TrimEnd('/')),
            Transport = new HttpClientPipelineTransport(httpClientFactory.CreateClient(HttpClientName)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = _options.Timeout,
            OrganizationId = _options.Organization,
            ProjectId = _options.Project,
        };
        return new OpenAIClient(new ApiKeyCredential(_options.ApiKey!), clientOptions);
    }

    private async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("GET", path, null, buffer: true, cancellationToken);
        return JsonDocument.Parse(response.Content);
    }

    /// <summary>A protocol call through the SDK's pipeline; the caller disposes the response (and its stream).</summary>
    private async Task<PipelineResponse> SendAsync(string method, string path, BinaryContent? content, bool buffer, CancellationToken cancellationToken)
    {
        var pipeline = Client().GetBatchClient().Pipeline;
        using var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri = new Uri($"{_options.BaseUrl.TrimEnd('/')}/{path}");
        message.Request.Headers.Set("Accept", "application/json");
        message.Request.Content = content;
        message.BufferResponse = buffer;
        message.Apply(Options(cancellationToken));
        await CallAsync(async () => { await pipeline.SendAsync(message); return true; }, cancellationToken);
        var response = message.ExtractResponse()!;
        if (response.IsError)
        {
            using (response)
            {
                if (!buffer)
                {
                    await response.BufferContentAsync(cancellationToken);
                }
                throw Map(response);
            }
        }
        return response;
    }

    private static RequestOptions Options(CancellationToken cancellationToken) =>
        new() { CancellationToken = cancellationToken, ErrorOptions = ClientErrorBehaviors.NoThrow };

    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (ClientResultException error) when (error.GetRawResponse() is { } response)
        {
            throw Map(response, error);
        }
        catch (Exception error) when (error is not ProviderException &&
            ProviderErrors.FromException(Provider, error, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private ProviderException Map(PipelineResponse response, Exception? inner = null) => ProviderErrors.FromHttp(
        Provider, response.Status,
        name => response.Headers.TryGetValue(name, out var value) ? value : null,
        response.Content.ToString(), timeProvider.GetUtcNow(), inner);

    private static global::OpenAI.Chat.ChatMessage ToSdk(OurMessage message) => message.Role switch
    {
        ChatRole.System => new SystemChatMessage(message.Content),
        ChatRole.Assistant => new AssistantChatMessage(message.Content),
        _ => new UserChatMessage(message.Content),
    };

    private static string FinishReason(ChatFinishReason reason) => reason switch
    {
        ChatFinishReason.Stop => "stop",
        ChatFinishReason.Length => "length",
        ChatFinishReason.ContentFilter => "content_filter",
        ChatFinishReason.ToolCalls => "tool_calls",
        ChatFinishReason.FunctionCall => "function_call",
        _ => reason.ToString(),
    };
}
