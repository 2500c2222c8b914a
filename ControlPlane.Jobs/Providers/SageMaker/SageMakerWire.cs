using System.Text.Json;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Common;

namespace ControlPlane.Jobs.Providers.SageMaker;

/// <summary>
/// The payload our SageMaker endpoints speak: the OpenAI-compatible Messages API that the LLM serving containers
/// (TGI, LMI/vLLM) accept on <c>/invocations</c>. Hugging Face's older <c>[{"generated_text": ...}]</c> answer is read too.
/// </summary>
internal static class SageMakerWire
{
    public static byte[] Request(IReadOnlyList<ChatMessage> messages, int? maxOutputTokens)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("messages");
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role switch { ChatRole.System => "system", ChatRole.Assistant => "assistant", _ => "user" });
                writer.WriteString("content", message.Content);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (maxOutputTokens is { } max)
            {
                writer.WriteNumber("max_tokens", max);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static (string Output, TokenUsage Usage, string? FinishReason) Answer(JsonElement response)
    {
        if (response.Child("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0)
        {
            var usage = response.Child("usage");
            return (choices[0].Child("message").Text("content") ?? "",
                new TokenUsage(usage.Int("prompt_tokens"), usage.Int("completion_tokens")), choices[0].Text("finish_reason"));
        }
        var generated = response.ValueKind == JsonValueKind.Array && response.GetArrayLength() > 0 ? response[0] : response;
        return (generated.Text("generated_text") ?? "", new TokenUsage(0, 0), null);
    }

    /// <summary>One manifest line: which async invocation answers which of our items, and where its output will land.</summary>
    internal sealed record ManifestLine(string CustomId, string? InferenceId, string OutputLocation, string? FailureLocation);

    /// <summary>batch.json: written last, so its presence means the batch was fully submitted.</summary>
    internal sealed record BatchMeta(
        string BatchId, string ClientReference, string Model, DateTimeOffset SubmittedAt, int Total, DateTimeOffset? CancelledAt);
}
