using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Common;
using ControlPlane.Jobs.Providers.Errors;

namespace ControlPlane.Jobs.Providers.Gemini;

/// <summary>The Gemini API wire format: GenerateContentRequest / Response and the Batch Mode operation.</summary>
internal static class GeminiWire
{
    public const string DisplayNamePrefix = "controlplane-";

    /// <summary>A GenerateContentRequest: system messages go to <c>systemInstruction</c>, assistant turns have role "model".</summary>
    /// <param name="labels">Vertex AI request labels (the Gemini API has none); written only when given.</param>
    public static void WriteRequest(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> messages, int? maxOutputTokens,
        IReadOnlyDictionary<string, string>? labels = null)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("contents");
        foreach (var message in messages.Where(m => m.Role != ChatRole.System))
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role == ChatRole.Assistant ? "model" : "user");
            WriteTextParts(writer, message.Content);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        var system = string.Join("\n\n", messages.Where(m => m.Role == ChatRole.System).Select(m => m.Content));
        if (system.Length > 0)
        {
            writer.WritePropertyName("systemInstruction");
            writer.WriteStartObject();
            WriteTextParts(writer, system);
            writer.WriteEndObject();
        }
        if (maxOutputTokens is { } max)
        {
            writer.WritePropertyName("generationConfig");
            writer.WriteStartObject();
            writer.WriteNumber("maxOutputTokens", max);
            writer.WriteEndObject();
        }
        if (labels is { Count: > 0 })
        {
            writer.WritePropertyName("labels");
            writer.WriteStartObject();
            foreach (var (name, value) in labels)
            {
                writer.WriteString(name, value);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>One line of a File API batch input: <c>{"key": customId, "request": {...}}</c>.</summary>
    public static void WriteFileRequest(Utf8JsonWriter writer, BatchItem item)
    {
        writer.WriteStartObject();
        writer.WriteString("key", item.CustomId);
        writer.WritePropertyName("request");
        WriteRequest(writer, item.Messages, item.MaxOutputTokens);
        writer.WriteEndObject();
    }

    /// <summary>
    /// A File API input line rewritten as one inline batch request, <c>{"request": {...}, "metadata": {"key": customId}}</c>
    /// (the same request and key, nothing re-derived).
    /// </summary>
    public static void WriteInlineRequest(Utf8JsonWriter writer, JsonElement fileLine)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("request");
        fileLine.GetProperty("request").WriteTo(writer);
        writer.WritePropertyName("metadata");
        writer.WriteStartObject();
        writer.WriteString("key", fileLine.GetProperty("key").GetString());
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// An upper bound of the inline body's size for a File API input of <paramref name="fileBytes"/> and
    /// <paramref name="count"/> lines: an inline request is its input line plus <c>,"metadata":{}</c> (13 bytes), and the
    /// body adds the prefix and suffix; 32 bytes a request leaves room.
    /// </summary>
    public static long InlineBytesAtMost(string clientReference, long fileBytes, int count) =>
        fileBytes + 32L * count + System.Text.Encoding.UTF8.GetByteCount(BatchBodyPrefix(clientReference) + BatchBodySuffix);

    /// <summary>The batch for File API input: <c>inputConfig.fileName</c> names the uploaded JSONL file.</summary>
    public static byte[] FileBatchBody(string clientReference, string fileName) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["batch"] = new Dictionary<string, object>
            {
                ["displayName"] = DisplayNamePrefix + clientReference,
                ["inputConfig"] = new Dictionary<string, string> { ["fileName"] = fileName },
            },
        });

    /// <summary>The resumable upload's first call: the file's metadata only.</summary>
    public static byte[] UploadStartBody(string clientReference) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["file"] = new Dictionary<string, string> { ["displayName"] = DisplayNamePrefix + clientReference + "-input" },
        });

    public static string BatchBodyPrefix(string clientReference) =>
        $$"""{"batch":{"displayName":{{JsonSerializer.Serialize(DisplayNamePrefix + clientReference)}},"inputConfig":{"requests":{"requests":[""";

    public const string BatchBodySuffix = "]}}}}";

    public static (string Output, TokenUsage Usage, string? FinishReason) Answer(JsonElement response)
    {
        var candidate = response.Child("candidates") is { ValueKind: JsonValueKind.Array } candidates && candidates.GetArrayLength() > 0
            ? candidates[0]
            : default;
        var text = candidate.Child("content").Child("parts") is { ValueKind: JsonValueKind.Array } parts
            ? string.Concat(parts.EnumerateArray().Select(p => p.Text("text")))
            : "";
        var usage = response.Child("usageMetadata");
        // Thinking tokens are billed as output tokens.
        var output = usage.Int("candidatesTokenCount") + usage.Int("thoughtsTokenCount");
        return (text, new TokenUsage(usage.Int("promptTokenCount"), output), FinishReason(candidate.Text("finishReason")));
    }

    public static string? FinishReason(string? reason) => reason switch
    {
        null => null,
        "STOP" => "stop",
        "MAX_TOKENS" => "length",
        _ => reason.ToLowerInvariant(),
    };

    /// <summary>
    /// The batch as a long-running operation (<c>metadata</c> holds the GenerateContentBatch, <c>response</c> the output)
    /// or as the bare batch resource (fields at the top, output under <c>output</c>): both shapes are read.
    /// </summary>
    public static JsonElement BatchOf(JsonElement operation) =>
        operation.Child("metadata") is { ValueKind: JsonValueKind.Object } metadata && metadata.Text("state") is not null ? metadata : operation;

    public static JsonElement OutputOf(JsonElement operation)
    {
        var response = operation.Child("response");
        return response.Exists() ? response : BatchOf(operation).Child("output");
    }

    public static ProviderBatchStatus Status(JsonElement operation)
    {
        var batch = BatchOf(operation);
        var raw = batch.Text("state") ?? "BATCH_STATE_UNSPECIFIED";
        var stats = batch.Child("batchStats");
        var inlined = Inlined(operation);
        return new ProviderBatchStatus(
            Id(batch.Text("name") ?? operation.Text("name") ?? ""),
            State(raw), raw,
            stats.Int("requestCount"), stats.Int("successfulRequestCount"), stats.Int("failedRequestCount"),
            (inlined.ValueKind == JsonValueKind.Array && inlined.GetArrayLength() > 0) || ResponsesFile(operation) is not null,
            operation.Child("error").Text("message"));
    }

    public static ProviderBatchState State(string state) => state switch
    {
        "BATCH_STATE_PENDING" => ProviderBatchState.Validating,
        "BATCH_STATE_RUNNING" => ProviderBatchState.InProgress,
        "BATCH_STATE_SUCCEEDED" => ProviderBatchState.Completed,
        "BATCH_STATE_FAILED" => ProviderBatchState.Failed,
        "BATCH_STATE_CANCELLED" => ProviderBatchState.Cancelled,
        "BATCH_STATE_EXPIRED" => ProviderBatchState.Expired,
        _ => ProviderBatchState.InProgress,
    };

    public static JsonElement Inlined(JsonElement operation) => OutputOf(operation).Child("inlinedResponses").Child("inlinedResponses");

    /// <summary>A batch submitted with File API input answers in a JSONL file (<c>responsesFile</c>, e.g. <c>files/batch-…</c>).</summary>
    public static string? ResponsesFile(JsonElement operation) => OutputOf(operation).Text("responsesFile");

    /// <summary>
    /// One line of a responses file: <c>{"key": …, "response": GenerateContentResponse}</c> or <c>{"key": …, "error": Status}</c>,
    /// mapped like an inline response; <c>null</c> when the line names no request (damaged, or not JSON).
    /// </summary>
    public static BatchResultItem? FileResultItem(JsonElement line) =>
        line.Text("key") is { } key ? ResultItem(key, line) : null;

    /// <summary>The keys of the inline requests as echoed back in the batch, by position (responses come in input order).</summary>
    public static IReadOnlyList<string?> InputKeys(JsonElement operation) =>
        BatchOf(operation).Child("inputConfig").Child("requests").Child("requests") is { ValueKind: JsonValueKind.Array } requests
            ? [.. requests.EnumerateArray().Select(r => r.Child("metadata").Text("key"))]
            : [];

    public static BatchResultItem ResultItem(string customId, JsonElement inlined)
    {
        var error = inlined.Child("error");
        if (error.Exists())
        {
            // A google.rpc.Status: "code" is a gRPC code (3 = INVALID_ARGUMENT), not an HTTP status.
            var word = error.Text("status") ?? GrpcCodeName(error.Int("code"));
            return new BatchResultItem(customId, BatchItemOutcome.Errored, null, null,
                ProviderErrors.Classify(null, word), error.Text("message") ?? "The request failed.");
        }
        var (output, usage, _) = Answer(inlined.Child("response"));
        return new BatchResultItem(customId, BatchItemOutcome.Succeeded, output, usage, null, null);
    }

    /// <summary>"batches/abc" → "abc": our id is the bare batch id; paths add the prefix back.</summary>
    public static string Id(string name) => name.StartsWith("batches/", StringComparison.Ordinal) ? name["batches/".Length..] : name;

    public static string? GrpcCodeName(int code) => code switch
    {
        3 => "INVALID_ARGUMENT",
        4 => "DEADLINE_EXCEEDED",
        5 => "NOT_FOUND",
        7 => "PERMISSION_DENIED",
        8 => "RESOURCE_EXHAUSTED",
        9 => "FAILED_PRECONDITION",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        16 => "UNAUTHENTICATED",
        _ => null,
    };

    private static void WriteTextParts(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartArray("parts");
        writer.WriteStartObject();
        writer.WriteString("text", text);
        writer.WriteEndObject();
        writer.WriteEndArray();
    }
}
