using System.Text.Json;
using System.Xml;
using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Web.Endpoints.Requests;

/// <summary>Field-by-field checks of a submitted body, with messages a developer can act on.</summary>
public static class SubmitValidation
{
    public const int MaxMetadataChars = 4_096;

    public sealed record Valid(string Workload, IReadOnlyList<ChatMessage> Messages, int? MaxOutputTokens,
        DateTimeOffset? Deadline, string? IdempotencyKey, string? MetadataJson);

    public static (Valid? Value, Dictionary<string, string[]> Errors) Check(SubmitRequestBody body, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Workload))
        {
            errors["workload"] = ["Give the workload's slug, e.g. \"customer-chatbot\"."];
        }
        var messages = Messages(body.Input, errors);
        if (body.MaxOutputTokens is < 1 or > 1_000_000)
        {
            errors["maxOutputTokens"] = ["Must be between 1 and 1,000,000."];
        }
        var deadline = ParseDeadline(body.Deadline, now, errors);
        if (body.IdempotencyKey is { } key && (string.IsNullOrWhiteSpace(key) || key.Length > 200))
        {
            errors["idempotencyKey"] = ["Must be 1 to 200 characters."];
        }
        string? metadata = null;
        if (body.Metadata is { } m && m.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined)
        {
            metadata = m.GetRawText();
            if (m.ValueKind != JsonValueKind.Object)
            {
                errors["metadata"] = ["Must be a JSON object of your own labels."];
            }
            else if (metadata.Length > MaxMetadataChars)
            {
                errors["metadata"] = [$"Must be at most {MaxMetadataChars:N0} characters of JSON."];
            }
        }
        return errors.Count > 0
            ? (null, errors)
            : (new Valid(body.Workload!.Trim(), messages!, body.MaxOutputTokens, deadline, body.IdempotencyKey, metadata), errors);
    }

    private static List<ChatMessage>? Messages(RequestInput? input, Dictionary<string, string[]> errors)
    {
        if (input is null)
        {
            errors["input"] = ["Give input.messages (a chat) or input.prompt (one text)."];
            return null;
        }
        var hasMessages = input.Messages is { Count: > 0 };
        var hasPrompt = !string.IsNullOrWhiteSpace(input.Prompt);
        if (hasMessages == hasPrompt)
        {
            errors["input"] = [hasMessages ? "Give input.messages or input.prompt, not both." : "Give input.messages (a chat) or input.prompt (one text)."];
            return null;
        }
        if (hasPrompt)
        {
            return [new ChatMessage(ChatRole.User, input.Prompt!)];
        }
        var list = new List<ChatMessage>();
        for (var i = 0; i < input.Messages!.Count; i++)
        {
            var m = input.Messages[i];
            ChatRole? role = m?.Role?.ToLowerInvariant() switch
            {
                "system" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => null,
            };
            if (role is null)
            {
                errors[$"input.messages[{i}].role"] = ["Must be system, user or assistant."];
            }
            if (string.IsNullOrEmpty(m?.Content))
            {
                errors[$"input.messages[{i}].content"] = ["Must not be empty."];
            }
            if (role is { } r && !string.IsNullOrEmpty(m?.Content))
            {
                list.Add(new ChatMessage(r, m.Content));
            }
        }
        return list;
    }

    public static DateTimeOffset? ParseDeadline(string? text, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        text = text.Trim();
        if (text.StartsWith('P') || text.StartsWith('p'))
        {
            try
            {
                var span = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
                if (span > TimeSpan.Zero)
                {
                    return now + span;
                }
            }
            catch (FormatException)
            {
            }
            errors["deadline"] = ["A duration must be a positive ISO 8601 duration such as PT30M or PT2H."];
            return null;
        }
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUniversalTime();
        }
        errors["deadline"] = ["Give a timestamp (2026-03-02T18:00:00Z) or a duration (PT2H)."];
        return null;
    }
}
