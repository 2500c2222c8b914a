using System.Text.Json;
using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Requests;

/// <summary>
/// Reads a stored request's <c>InputJson</c> back into chat messages, for batch payloads and promotion. Accepts the
/// shapes the API stores: <c>{"messages":[{"role":"user","content":"…"}]}</c>, a bare message array, or
/// <c>{"prompt":"…"}</c>. Anything else is sent as one user message, so one odd row cannot stop a whole batch.
/// </summary>
public static class StoredInput
{
    public static IReadOnlyList<ChatMessage> Messages(string inputJson)
    {
        try
        {
            using var document = JsonDocument.Parse(inputJson);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                return FromArray(root);
            }
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (TryGet(root, "messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
                {
                    return FromArray(messages);
                }
                if (TryGet(root, "prompt", out var prompt) && prompt.ValueKind == JsonValueKind.String)
                {
                    return [new ChatMessage(ChatRole.User, prompt.GetString() ?? "")];
                }
            }
            if (root.ValueKind == JsonValueKind.String)
            {
                return [new ChatMessage(ChatRole.User, root.GetString() ?? "")];
            }
        }
        catch (JsonException)
        {
            // Not JSON at all: fall through and send the text as it is.
        }
        return [new ChatMessage(ChatRole.User, inputJson)];
    }

    private static List<ChatMessage> FromArray(JsonElement array)
    {
        var list = new List<ChatMessage>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            var role = TryGet(item, "role", out var r) && r.ValueKind == JsonValueKind.String &&
                Enum.TryParse<ChatRole>(r.GetString(), ignoreCase: true, out var parsed) ? parsed : ChatRole.User;
            var content = TryGet(item, "content", out var c) ? (c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText()) : "";
            list.Add(new ChatMessage(role, content ?? ""));
        }
        return list;
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
