using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ControlPlane.E2E.Infrastructure;

/// <summary>A request as <c>/api/v1/requests</c> answers it, reduced to what the journeys compare with the pages.</summary>
public sealed record SentRequest(HttpStatusCode StatusCode, Guid Id, string Status, string? Mode, string RoutingReason, decimal? Cost,
    IReadOnlyList<string> Events)
{
    public static SentRequest From(HttpStatusCode statusCode, JsonElement body) => new(
        statusCode,
        body.GetProperty("id").GetGuid(),
        body.GetProperty("status").GetString()!,
        body.GetProperty("mode").GetString(),
        body.GetProperty("routingReason").GetString()!,
        body.TryGetProperty("cost", out var cost) && cost.ValueKind == JsonValueKind.Object ? cost.GetProperty("actual").GetDecimal() : null,
        body.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array
            ? [.. events.EnumerateArray().Select(e => e.GetProperty("type").GetString()!)]
            : []);
}

/// <summary>The public request API as an application calls it: over HTTP, with an API key.</summary>
public static class RequestApi
{
    public static object Body(string workload, string prompt, string? deadline = null) =>
        deadline is null
            ? new { workload, input = new { messages = new[] { new { role = "user", content = prompt } } } }
            : new { workload, input = new { messages = new[] { new { role = "user", content = prompt } } }, deadline };

    public static async Task<SentRequest> SubmitAsync(HttpClient api, object body, CancellationToken cancellationToken)
    {
        using var response = await api.PostAsJsonAsync("api/v1/requests", body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/requests answered {(int)response.StatusCode}: {text}");
        return SentRequest.From(response.StatusCode, JsonDocument.Parse(text).RootElement);
    }

    public static async Task<SentRequest> GetAsync(HttpClient api, Guid id, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync($"api/v1/requests/{id}", cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET /api/v1/requests/{id} answered {(int)response.StatusCode}: {text}");
        return SentRequest.From(response.StatusCode, JsonDocument.Parse(text).RootElement);
    }

    /// <summary>
    /// The request with its timeline once <paramref name="lastEvent"/> is in it: telemetry is written moments after
    /// each step (a background writer), so the answer to the POST can come before the last event is stored.
    /// </summary>
    public static async Task<SentRequest> WaitForEventAsync(HttpClient api, Guid id, string lastEvent, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (true)
        {
            var request = await GetAsync(api, id, cancellationToken);
            if (request.Events.Contains(lastEvent) || DateTimeOffset.UtcNow > deadline)
            {
                Assert.Contains(lastEvent, request.Events);
                return request;
            }
            await Task.Delay(200, cancellationToken);
        }
    }
}
