using System.Net.Http.Json;
using System.Text.Json;

namespace ControlPlane.Web.Tests.Api;

/// <summary>The new pages render (server prerender) with what a person expects to see.</summary>
public sealed class PagesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RequestDetail_ShowsRoutingReasonAndQueuedStatusForABatchRequest()
    {
        var posted = await factory.ClientWithKey().PostAsJsonAsync("/api/v1/requests",
            new { workload = "document-processing", input = new { prompt = "Extract totals" } }, Ct);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var html = await factory.CreateClient().GetStringAsync($"/requests/{id}", Ct);

        Assert.Contains("Batch-friendly workload: always sent to batch", html);
        Assert.Contains("Queued", html);
        Assert.Contains("waits for the next batch", html);
    }

    [Fact]
    public async Task KeysPage_ListsTheBootstrapKeyWithoutItsSecret()
    {
        var html = await factory.CreateClient().GetStringAsync("/keys", Ct);
        Assert.Contains("(bootstrap key)", html);
        Assert.DoesNotContain(ApiFactory.BootstrapKey, html);
    }

    [Fact]
    public async Task ApiDocsPage_ListsTheRequestEndpoints()
    {
        var html = await factory.CreateClient().GetStringAsync("/api/docs", Ct);
        Assert.Contains("/api/v1/requests", html);
        Assert.Contains("/v1/chat/completions", html);
    }

    [Fact]
    public async Task RequestsPage_Renders()
    {
        var html = await factory.CreateClient().GetStringAsync("/requests", Ct);
        Assert.Contains("requests-grid", html);
    }
}
