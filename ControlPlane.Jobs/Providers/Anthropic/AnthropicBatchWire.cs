using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.Common;
using ControlPlane.Jobs.Providers.Errors;

namespace ControlPlane.Jobs.Providers.Anthropic;

/// <summary>
/// Anthropic's Message Batches wire format. Message batches carry no metadata, so every item's <c>custom_id</c> is
/// prefixed with a 12-character tag derived from our client reference (<c>{tag}_{customId}</c>); the tag is stripped
/// again when results are read, and <c>FindBatchAsync</c> recognises our batch by it.
/// </summary>
internal static partial class AnthropicBatchWire
{
    public const int TagLength = 12;
    private const int MaxCustomIdLength = 64;

    public static string Tag(string clientReference) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientReference)))[..TagLength];

    public static string TaggedId(string tag, string customId)
    {
        var tagged = $"{tag}_{customId}";
        if (tagged.Length > MaxCustomIdLength || !CustomIdPattern().IsMatch(tagged))
        {
            throw new ProviderException(ProviderIds.Anthropic, ProviderErrorClass.InvalidRequest,
                $"Custom id '{customId}' does not fit Anthropic's custom_id rule (letters, digits, '-' and '_', " +
                $"at most {MaxCustomIdLength - TagLength - 1} characters after our {TagLength + 1}-character tag).", 400);
        }
        return tagged;
    }

    public static string Untag(string customId) =>
        customId.Length > TagLength && customId[TagLength] == '_' ? customId[(TagLength + 1)..] : customId;

    /// <summary><c>{"custom_id": "...", "params": {Messages API body}}</c></summary>
    public static void WriteRequest(Utf8JsonWriter writer, string tag, string model, int defaultMaxTokens, BatchItem item)
    {
        writer.WriteStartObject();
        writer.WriteString("custom_id", TaggedId(tag, item.CustomId));
        writer.WritePropertyName("params");
        writer.WriteStartObject();
        writer.WriteString("model", model);
        writer.WriteNumber("max_tokens", item.MaxOutputTokens ?? defaultMaxTokens);
        var system = string.Join("\n\n", item.Messages.Where(m => m.Role == ChatRole.System).Select(m => m.Content));
        if (system.Length > 0)
        {
            writer.WriteString("system", system);
        }
        writer.WriteStartArray("messages");
        foreach (var message in item.Messages.Where(m => m.Role != ChatRole.System))
        {
            writer.WriteStartObject();
            writer.WriteString("role", message.Role == ChatRole.Assistant ? "assistant" : "user");
            writer.WriteString("content", message.Content);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>processing_status</c> is only in_progress, canceling or ended; what "ended" means comes from the counts:
    /// all canceled → Cancelled, any expired → Expired, nothing succeeded → Failed, else Completed.
    /// </summary>
    public static ProviderBatchStatus Status(JsonElement batch)
    {
        var raw = batch.Text("processing_status") ?? "unknown";
        var counts = batch.Child("request_counts");
        var (processing, succeeded, errored, canceled, expired) =
            (counts.Int("processing"), counts.Int("succeeded"), counts.Int("errored"), counts.Int("canceled"), counts.Int("expired"));
        var total = processing + succeeded + errored + canceled + expired;
        var state = raw switch
        {
            "in_progress" => ProviderBatchState.InProgress,
            "canceling" => ProviderBatchState.Cancelling,
            "ended" when batch.Text("cancel_initiated_at") is not null => ProviderBatchState.Cancelled,
            "ended" when expired > 0 => ProviderBatchState.Expired,
            "ended" when succeeded == 0 && errored > 0 => ProviderBatchState.Failed,
            "ended" => ProviderBatchState.Completed,
            _ => ProviderBatchState.InProgress,
        };
        return new ProviderBatchStatus(
            batch.Text("id") ?? "", state, raw, total, succeeded, errored,
            batch.Text("results_url") is not null);
    }

    /// <summary>One results line: <c>{"custom_id", "result": {"type": "succeeded|errored|canceled|expired", ...}}</c>.</summary>
    public static BatchResultItem ResultLine(JsonElement line)
    {
        var customId = Untag(line.Text("custom_id") ?? "");
        var result = line.Child("result");
        switch (result.Text("type"))
        {
            case "succeeded":
                var message = result.Child("message");
                var text = message.Child("content") is { ValueKind: JsonValueKind.Array } content
                    ? string.Concat(content.EnumerateArray().Where(b => b.Text("type") == "text").Select(b => b.Text("text")))
                    : "";
                var usage = message.Child("usage");
                return new BatchResultItem(customId, BatchItemOutcome.Succeeded, text,
                    new TokenUsage(usage.Int("input_tokens"), usage.Int("output_tokens")), null, null);
            case "canceled":
                return new BatchResultItem(customId, BatchItemOutcome.Cancelled, null, null, null, "The batch was cancelled before this request ran.");
            case "expired":
                return new BatchResultItem(customId, BatchItemOutcome.Expired, null, null, null, "The batch expired before this request ran.");
            default:
                // errored: {"type": "error", "error": {"type": "invalid_request_error", "message": "..."}}
                var error = result.Child("error").Child("error");
                var type = error.Text("type");
                return new BatchResultItem(customId, BatchItemOutcome.Errored, null, null,
                    ProviderErrors.Classify(null, type), error.Text("message") ?? type ?? "The request failed.");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CustomIdPattern();
}
