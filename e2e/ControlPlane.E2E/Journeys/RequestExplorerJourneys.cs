using System.Globalization;
using System.Net;
using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Journeys;

/// <summary>
/// Issue #4: a request an application sends through the API appears in the explorer, and its page says why it was
/// routed where it went, what it cost and every step it took.
/// </summary>
[Collection(nameof(OperationsAppCollection))]
public sealed class RequestExplorerJourneys(OperationsAppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    [Fact]
    public async Task Operator_FindsRequestsSentThroughTheApi_ReadsRoutingReasonTimelineAndCost()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var api = App.CreateApiClient();

        // An application sends one request of a time-critical workload (answered at once) and one of a hybrid workload
        // with room before its default deadline (stored Queued for the next batch).
        var realtime = await RequestApi.SubmitAsync(api, RequestApi.Body("customer-chatbot", "Where is my parcel 7731?"), cancellationToken);
        Assert.Equal((HttpStatusCode.OK, "Succeeded", "realtime"), (realtime.StatusCode, realtime.Status, realtime.Mode));
        var queued = await RequestApi.SubmitAsync(api, RequestApi.Body("data-enrichment", "Tag catalogue record 5512."), cancellationToken);
        Assert.Equal((HttpStatusCode.Accepted, "Queued", "batch"), (queued.StatusCode, queued.Status, queued.Mode));
        // What the API says happened, once the last step's event is stored: the page must show the same.
        realtime = await RequestApi.WaitForEventAsync(api, realtime.Id, "Succeeded", cancellationToken);
        queued = await RequestApi.WaitForEventAsync(api, queued.Id, "Queued", cancellationToken);

        var signIn = new SignInPage(Page, App.BaseUrl);
        await signIn.OpenAsync();
        await signIn.SignInAsync(SignInPage.DemoEmail("Operator"));
        var requests = new RequestsPage(Page, App.BaseUrl);
        await requests.OpenAsync();
        await Expect(requests.Heading).ToHaveTextAsync("Requests");

        // The operator narrows the explorer to the chatbot and finds the request by the start of its id.
        await requests.FilterByWorkloadAsync("customer-chatbot");
        await Expect(requests.Row(realtime.Id)).ToHaveCountAsync(1);
        await Expect(requests.Row(queued.Id)).ToHaveCountAsync(0);
        await Expect(requests.Row(realtime.Id).Locator("[data-request-id]")).ToHaveTextAsync(realtime.Id.ToString()[..8]);
        await Expect(requests.RowStatus(realtime.Id)).ToHaveTextAsync("Succeeded");
        Assert.Equal("Real time", await requests.RowCellAsync(realtime.Id, "Mode"));
        Assert.Equal(Money(realtime.Cost!.Value), await requests.RowCellAsync(realtime.Id, "Cost (USD)"));
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("Requests_ExplorerFilteredToChatbot"), FullPage = true });

        await requests.OpenDetailAsync(realtime.Id);
        await Expect(requests.DetailStatus).ToHaveTextAsync("Succeeded");
        await Expect(requests.RoutingReason).ToHaveTextAsync(realtime.RoutingReason);
        Assert.Equal("Time-critical workload: always served in real time.", await requests.ReadRoutingReasonAsync());
        await Expect(requests.Fact("Mode")).ToHaveTextAsync("Real time");
        await Expect(requests.Cost).ToContainTextAsync($"${Money(realtime.Cost!.Value)}");
        Assert.True(realtime.Cost > 0, "A real-time answer from a priced model costs something.");
        await Expect(requests.TimelineEntries).ToHaveCountAsync(realtime.Events.Count);
        var timeline = await requests.TimelineEventTypesAsync();
        Assert.Equal(realtime.Events, timeline);
        Assert.Equal(["Received", "Routed", "Dispatched"], timeline.Take(3));
        Assert.Equal("Succeeded", timeline[^1]);
        await Expect(requests.TimelineEntry("Routed")).ToContainTextAsync(realtime.RoutingReason);
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("Requests_RealtimeRequestDetail"), FullPage = true });

        // Back in the explorer, the queued batch request: found among the Queued ones, still waiting for a batch.
        await requests.OpenAsync();
        await requests.FilterByStatusAsync("Queued");
        await Expect(requests.Row(queued.Id)).ToHaveCountAsync(1);
        await Expect(requests.Row(realtime.Id)).ToHaveCountAsync(0);
        await Expect(requests.RowStatus(queued.Id)).ToHaveTextAsync("Queued");
        Assert.Equal("Batch", await requests.RowCellAsync(queued.Id, "Mode"));
        Assert.Equal("waiting", await requests.RowCellAsync(queued.Id, "Turnaround"));

        await requests.OpenDetailAsync(queued.Id);
        await Expect(requests.DetailStatus).ToHaveTextAsync("Queued");
        await Expect(requests.RoutingReason).ToHaveTextAsync(queued.RoutingReason);
        Assert.StartsWith("Hybrid workload: ", queued.RoutingReason, StringComparison.Ordinal);
        Assert.EndsWith("so it goes to batch at the discount.", queued.RoutingReason, StringComparison.Ordinal);
        await Expect(requests.Fact("Mode")).ToHaveTextAsync("Batch");
        await Expect(requests.Fact("Completed")).ToHaveTextAsync("queued: waits for the next batch");
        Assert.Equal(["Received", "Routed", "Queued"], await requests.TimelineEventTypesAsync());
    }

    /// <summary>How the explorer and the request page write an amount in US dollars.</summary>
    private static string Money(decimal amount) => amount.ToString("0.000000", CultureInfo.InvariantCulture);
}
