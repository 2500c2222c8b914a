using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ControlPlane.Jobs.Providers.Common;

/// <summary>Reads a JSONL stream one line at a time; blank lines are skipped.</summary>
public static class JsonLines
{
    /// <summary>
    /// One element per non-blank line. A line that is not JSON (cut off, garbled) comes back as an undefined element
    /// rather than an exception: a result file with one damaged line must not block every other line of it. Callers
    /// turn such an element into a result without a readable custom id, which ingestion counts as malformed.
    /// </summary>
    public static async IAsyncEnumerable<JsonElement> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonElement element;
            try
            {
                using var document = JsonDocument.Parse(line);
                element = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                element = default;
            }
            yield return element;
        }
    }

    public static string? Text(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A count, written as a JSON number or (Google's int64 convention) as a numeric string; 0 when absent.</summary>
    public static int Int(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return 0;
        }
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetInt32(),
            JsonValueKind.String when int.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        };
    }

    /// <summary>The child object, or an undefined element when it is missing or null.</summary>
    public static JsonElement Child(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : default;

    public static bool Exists(this JsonElement element) => element.ValueKind != JsonValueKind.Undefined;
}
