using System.Text.Json;
using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Providers.Common;

/// <summary>
/// Walks a Google-style paged list (<c>items</c> array + <c>nextPageToken</c>) for the first item that matches:
/// how the Gemini and Vertex adapters find the batch carrying our client reference after a lost create answer.
/// </summary>
internal static class PagedSearch
{
    public static async Task<ProviderBatchStatus?> FindAsync(
        int maxPages,
        Func<string?, CancellationToken, Task<JsonDocument>> fetchPage,
        string itemsProperty,
        Func<JsonElement, bool> matches,
        Func<JsonElement, ProviderBatchStatus> status,
        CancellationToken cancellationToken)
    {
        string? pageToken = null;
        for (var page = 0; page < maxPages; page++)
        {
            using var list = await fetchPage(pageToken, cancellationToken);
            if (list.RootElement.Child(itemsProperty) is { ValueKind: JsonValueKind.Array } items)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (matches(item))
                    {
                        return status(item);
                    }
                }
            }
            pageToken = list.RootElement.Text("nextPageToken");
            if (string.IsNullOrEmpty(pageToken))
            {
                return null;
            }
        }
        return null;
    }
}
