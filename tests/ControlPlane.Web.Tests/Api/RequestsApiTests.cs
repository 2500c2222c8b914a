using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ControlPlane.Domain.Requests;
using ControlPlane.Web.Features.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Web.Tests.Api;

public sealed class RequestsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> PostAsync(object body, string? key = ApiFactory.BootstrapKey) =>
        factory.ClientWithKey(key).PostAsJsonAsync("/api/v1/requests", body, Ct);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private Task<int> RequestCountAsync() => factory.QueryAsync(db => db.Requests.CountAsync(Ct));

    [Fact]
    public async Task Post_TimeCriticalWorkload_AnswersInRealTimeWithUsageAndCost()
    {
        var response = await PostAsync(new { workload = "customer-chatbot", input = new { prompt = "Where is my parcel?" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("Succeeded", body.GetProperty("status").GetString());
        Assert.Equal("realtime", body.GetProperty("mode").GetString());
        Assert.Equal("openai", body.GetProperty("provider").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("output").GetString()));
        Assert.True(body.GetProperty("usage").GetProperty("inputTokens").GetInt32() > 0);
        Assert.True(body.GetProperty("cost").GetProperty("actual").GetDecimal() > 0);
        Assert.Contains("Time-critical", body.GetProperty("routingReason").GetString());
    }

    [Fact]
    public async Task Post_BatchFriendlyWorkload_Returns202WithLocationAndStoresItQueued()
    {
        var response = await PostAsync(new { workload = "document-processing", input = new { prompt = "Extract the invoice total." } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await JsonAsync(response)).GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/requests/{id}", response.Headers.Location?.ToString());
        var stored = await factory.QueryAsync(db => db.Requests.SingleAsync(r => r.Id == id, Ct));
        Assert.Equal(RequestStatus.Queued, stored.Status);

        var read = await JsonAsync(await factory.ClientWithKey().GetAsync(response.Headers.Location, Ct));
        Assert.Equal("Queued", read.GetProperty("status").GetString());
        Assert.Equal("batch", read.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("output").ValueKind);
    }

    [Fact]
    public async Task Post_HybridWithShortDeadline_RunsRealtime_AndWithDefaultDeadline_GoesBatch()
    {
        var urgent = await PostAsync(new { workload = "data-enrichment", input = new { prompt = "Tag this" }, deadline = "PT1M" });
        var relaxed = await PostAsync(new { workload = "data-enrichment", input = new { prompt = "Tag that" } });

        Assert.Equal(HttpStatusCode.OK, urgent.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, relaxed.StatusCode);
        Assert.Contains("default deadline", (await JsonAsync(relaxed)).GetProperty("routingReason").GetString());
    }

    [Fact]
    public async Task Get_AfterRealtimeRequest_ShowsTheEventTimeline()
    {
        var posted = await JsonAsync(await PostAsync(new { workload = "customer-chatbot", input = new { prompt = "Hi" } }));
        var id = posted.GetProperty("id").GetGuid();

        string[] types = [];
        for (var i = 0; i < 50 && !types.Contains("Succeeded"); i++)
        {
            await Task.Delay(100, Ct);
            var read = await JsonAsync(await factory.ClientWithKey().GetAsync($"/api/v1/requests/{id}", Ct));
            types = [.. read.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];
        }
        Assert.Equal(["Received", "Routed", "Dispatched", "Succeeded"], types);
    }

    [Fact]
    public async Task Post_SameIdempotencyKeyAndBody_ReturnsTheOriginalRequest()
    {
        var body = new { workload = "document-processing", input = new { prompt = "Once only" }, idempotencyKey = "idem-same" };
        var first = await JsonAsync(await PostAsync(body));
        var before = await RequestCountAsync();
        var second = await PostAsync(body);

        Assert.Equal(first.GetProperty("id").GetGuid(), (await JsonAsync(second)).GetProperty("id").GetGuid());
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(before, await RequestCountAsync());
    }

    [Fact]
    public async Task Post_SameIdempotencyKeyDifferentBody_Returns409()
    {
        await PostAsync(new { workload = "customer-chatbot", input = new { prompt = "A" }, idempotencyKey = "idem-diff" });
        var second = await PostAsync(new { workload = "customer-chatbot", input = new { prompt = "B" }, idempotencyKey = "idem-diff" });

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_ConcurrentDuplicates_StoreExactlyOneRequest()
    {
        var body = new { workload = "document-processing", input = new { prompt = "Race" }, idempotencyKey = "idem-race" };
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(body)));
        var ids = await Task.WhenAll(responses.Select(async r => (await JsonAsync(r)).GetProperty("id").GetGuid()));

        Assert.Single(ids.Distinct());
        Assert.Equal(1, await factory.QueryAsync(db => db.Requests.CountAsync(r => r.IdempotencyKey == "idem-race", Ct)));
    }

    [Fact]
    public async Task Get_WithAnotherTeamsKey_Returns404()
    {
        var posted = await JsonAsync(await PostAsync(new { workload = "customer-chatbot", input = new { prompt = "Mine" } }));
        var otherKey = await CreateKeyAsync("analytics");

        var response = await factory.ClientWithKey(otherKey).GetAsync($"/api/v1/requests/{posted.GetProperty("id").GetGuid()}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentAndMetrics_AreServed()
    {
        await PostAsync(new { workload = "customer-chatbot", input = new { prompt = "count me" } });
        var client = factory.CreateClient();

        var openApi = await client.GetStringAsync("/openapi/v1.json", Ct);
        var metrics = await client.GetStringAsync("/metrics", Ct);

        Assert.Contains("/api/v1/requests", openApi);
        Assert.Contains("controlplane_requests", metrics);
        Assert.Contains("controlplane_request_duration_seconds_bucket", metrics);
    }

    internal async Task<string> CreateKeyAsync(string teamSlug, params string[] workloadSlugs)
    {
        var team = await factory.QueryAsync(db => db.Teams.SingleAsync(t => t.Slug == teamSlug, Ct));
        var workloads = await factory.QueryAsync(db => db.Workloads.Where(w => workloadSlugs.Contains(w.Slug)).Select(w => w.Id).ToListAsync(Ct));
        var (_, token) = await factory.Services.GetRequiredService<ApiKeyService>().CreateAsync("test", team.Id, workloads, Ct);
        return token;
    }

    internal static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");
}
