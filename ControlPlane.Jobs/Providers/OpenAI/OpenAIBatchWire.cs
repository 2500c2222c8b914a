using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Common;
using ControlPlane.Jobs.Providers.Errors;

namespace ControlPlane.Jobs.Providers.OpenAI;

/// <summary>OpenAI's Batch API wire format: input lines, the batch object and output / error file lines.</summary>
internal static class OpenAIBatchWire
{
    public const string ClientReferenceKey = "controlplane_ref";
    public const string ModelKey = "controlplane_model";

    /// <summary><c>{"custom_id","method":"POST","url":"/v1/chat/completions","body":{...}}</c></summary>
    public static void WriteInputLine(Utf8JsonWriter writer, string model, BatchItem item)
    {
        writer.WriteStartObject();
        writer.WriteString("custom_id", item.CustomId);
        writer.WriteString("method", "POST");
        writer.WriteString("url", "/v1/chat/completions");
        writer.WritePropertyName("body");
        writer.WriteStartObject();
        writer.WriteString("model", model);
        writer.WriteStartArray("messages");
        foreach (var message in item.Messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role", Role(message.Role));
            writer.WriteString("content", message.Content);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (item.MaxOutputTokens is { } max)
        {
            writer.WriteNumber("max_completion_tokens", max);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static byte[] CreateBody(string inputFileId, string model, string clientReference) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["input_file_id"] = inputFileId,
            ["endpoint"] = "/v1/chat/completions",
            ["completion_window"] = "24h",
            ["metadata"] = new Dictionary<string, string> { [ClientReferenceKey] = clientReference, [ModelKey] = model },
        });

    public static ProviderBatchStatus Status(JsonElement batch)
    {
        var raw = batch.Text("status") ?? "unknown";
        var counts = batch.Child("request_counts");
        var firstError = batch.Child("errors").Child("data") is { ValueKind: JsonValueKind.Array } data && data.GetArrayLength() > 0
            ? data[0].Text("message")
            : null;
        return new ProviderBatchStatus(
            batch.Text("id") ?? "",
            State(raw),
            raw,
            counts.Int("total"),
            counts.Int("completed"),
            counts.Int("failed"),
            batch.Text("output_file_id") is not null || batch.Text("error_file_id") is not null,
            firstError);
    }

    public static ProviderBatchState State(string status) => status switch
    {
        "validating" => ProviderBatchState.Validating,
        "in_progress" => ProviderBatchState.InProgress,
        "finalizing" => ProviderBatchState.Finalizing,
        "completed" => ProviderBatchState.Completed,
        "failed" => ProviderBatchState.Failed,
        "expired" => ProviderBatchState.Expired,
        "cancelling" => ProviderBatchState.Cancelling,
        "cancelled" => ProviderBatchState.Cancelled,
        _ => ProviderBatchState.InProgress,
    };

    /// <summary>
    /// One line of the output or error file. A line either carries a <c>response</c> (status code and the chat completion or
    /// an error body) or an <c>error</c> (<c>batch_expired</c>, <c>batch_cancelled</c>, <c>request_timeout</c>).
    /// </summary>
    public static BatchResultItem ResultLine(JsonElement line)
    {
        var customId = line.Text("custom_id") ?? "";
        var error = line.Child("error");
        if (error.Exists())
        {
            var code = error.Text("code");
            var message = error.Text("message") ?? code;
            return code switch
            {
                "batch_expired" => new BatchResultItem(customId, BatchItemOutcome.Expired, null, null, null, message),
                "batch_cancelled" => new BatchResultItem(customId, BatchItemOutcome.Cancelled, null, null, null, message),
                _ => new BatchResultItem(customId, BatchItemOutcome.Errored, null, null, ProviderErrors.Classify(null, code), message),
            };
        }
        var response = line.Child("response");
        var statusCode = response.Int("status_code");
        var body = response.Child("body");
        if (statusCode is >= 200 and < 300)
        {
            var usage = body.Child("usage");
            var output = body.Child("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                ? choices[0].Child("message").Text("content")
                : null;
            return new BatchResultItem(customId, BatchItemOutcome.Succeeded, output ?? "",
                new TokenUsage(usage.Int("prompt_tokens"), usage.Int("completion_tokens")), null, null);
        }
        var bodyError = body.Child("error");
        return new BatchResultItem(customId, BatchItemOutcome.Errored, null, null,
            ProviderErrors.Classify(statusCode, bodyError.Text("code"), bodyError.Text("type")),
            bodyError.Text("message") ?? $"The request failed with status {statusCode}.");
    }

    public static string Role(ChatRole role) => role switch
    {
        ChatRole.System => "system",
        ChatRole.Assistant => "assistant",
        _ => "user",
    };
}
