using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.E2E.Infrastructure;
using ControlPlane.E2E.Journeys;
using ControlPlane.E2E.Pages;
using ControlPlane.Jobs.Batches;
using ControlPlane.Jobs.Scheduling;
using ControlPlane.Testing.Providers.OpenAI;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace ControlPlane.E2E.Providers;

/// <summary>
/// One journey per real provider: a workload configured for it, a request sent through the public API with an API
/// key, answered by the provider's loopback fake through the real adapter, and the request as a signed-in person
/// finds it in the explorer: that provider and model, the fake's answer and its cost at the provider's list price.
/// </summary>
[Collection(nameof(ProvidersAppCollection))]
public sealed class ProviderJourneys(ProvidersAppFixture app, BrowserFixture browser) : Journey(app, browser)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ProviderIds.OpenAI)]
    [InlineData(ProviderIds.Gemini)]
    [InlineData(ProviderIds.VertexAI)]
    [InlineData(ProviderIds.SageMaker)]
    public async Task RequestThroughApi_IsAnsweredByTheProvider_AndShownInTheExplorer(string provider)
    {
        await SendAndFindInExplorerAsync(ProvidersAppFixture.Cases[provider]);
    }

    [Fact]
    public async Task Admin_ConfiguresAnthropicWorkloadInEditor_ItsRequestIsAnsweredByAnthropic_AndShownInTheExplorer()
    {
        var journey = ProvidersAppFixture.Cases[ProviderIds.Anthropic];
        var editor = new WorkloadEditorPage(Page, App.BaseUrl);
        await editor.OpenNewAsync();
        await editor.FillAsync("Name", journey.Name);
        await Expect(editor.Slug).ToHaveValueAsync(journey.Slug);
        await editor.ChooseAsync("TeamId", ProvidersAppFixture.TeamName);
        await editor.ChooseSegmentAsync("Time-critical");
        await editor.ChooseAsync("RealtimeModel", journey.Model.ToString());
        await editor.FillAsync("DailyRequests", "100");
        await editor.FillAsync("MeanInputTokens", ProvidersAppFixture.InputTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await editor.FillAsync("MeanOutputTokens", ProvidersAppFixture.OutputTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(editor.RecommendedSegment).ToHaveAttributeAsync("data-segment", "TimeCritical");
        await editor.SaveAsync();
        await Expect(Page).ToHaveURLAsync($"{App.BaseUrl}/workloads/{journey.Slug}");

        await SendAndFindInExplorerAsync(journey);
        // The model chosen in the editor is the one the app's adapter asked Anthropic for (the fake answers only its key).
        var call = Assert.Single(((ProvidersAppFixture)App).Anthropic.Server.Requests, r => r.Path == "/v1/messages");
        Assert.Equal(journey.Model.Model, System.Text.Json.JsonDocument.Parse(call.BodyText).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task BatchRequestThroughApi_GoesThroughOpenAIsBatchApi_AndIsShownInTheExplorerAtBatchPrice()
    {
        var journey = ProvidersAppFixture.OpenAIBatch;
        var openAI = ((ProvidersAppFixture)App).OpenAI;
        using var api = App.CreateApiClient();
        var sent = await RequestApi.SubmitAsync(api, RequestApi.Body(journey.Slug, "What is the capital of France?"), Token);
        Assert.Equal(("Queued", "batch"), (sent.Status, sent.Mode));

        // The app's own batch jobs assemble the batch and send it to OpenAI's Files and Batches API. They are run here
        // as "Trigger now" on /hangfire would, and also directly: a busy test machine may leave Hangfire's queue
        // unpolled for a while. Each job guards its own state, so whichever run comes second does nothing.
        var schedule = App.Services.GetRequiredService<IRecurringJobManager>();
        schedule.Trigger(RecurringJobSchedule.BatchAssembly);
        var batchId = await EventuallyAsync(async () =>
        {
            if (openAI.BatchIds.SingleOrDefault() is { } submitted)
            {
                return submitted;
            }
            await App.Services.GetRequiredService<BatchAssemblyJob>().RunAsync(Token);
            if (await BatchJobOfAsync(sent.Id) is { } jobId)
            {
                await App.Services.GetRequiredService<BatchSubmitJob>().RunAsync(jobId, Token);
            }
            return openAI.BatchIds.SingleOrDefault();
        });
        var input = openAI.File(openAI.Batch(batchId)["input_file_id"]!.GetValue<string>());
        Assert.Contains($"\"custom_id\":\"{sent.Id}\"", input.Content, StringComparison.Ordinal);
        openAI.Advance(batchId, "completed", completed: 1, failed: 0,
            outputLines: [FakeOpenAI.OutputLine(sent.Id.ToString(), journey.Answer, ProvidersAppFixture.InputTokens, ProvidersAppFixture.OutputTokens)]);
        await Task.Delay(TimeSpan.FromSeconds(1.5), Token); // the job's next poll is due a second after submission
        schedule.Trigger(RecurringJobSchedule.BatchPoll);
        await EventuallyAsync(async () =>
        {
            var now = await RequestApi.GetAsync(api, sent.Id, Token);
            if (now.Status == "Succeeded")
            {
                return "done";
            }
            await App.Services.GetRequiredService<BatchPollJob>().RunAsync(Token);
            if (await BatchJobOfAsync(sent.Id) is { } jobId)
            {
                await App.Services.GetRequiredService<BatchIngestJob>().RunAsync(jobId, Token);
            }
            return null;
        });

        var requests = new RequestsPage(Page, App.BaseUrl);
        await requests.OpenAsync();
        await requests.FilterByWorkloadAsync(journey.Slug);
        await Expect(requests.Rows).ToHaveCountAsync(1);
        await Expect(requests.RowStatus(sent.Id)).ToHaveTextAsync("Succeeded");
        Assert.Equal(("Batch", journey.Model.ToString(), journey.Cost),
            (await requests.RowCellAsync(sent.Id, "Mode"), await requests.RowCellAsync(sent.Id, "Provider / model"), await requests.RowCellAsync(sent.Id, "Cost (USD)")));
        await requests.OpenDetailAsync(sent.Id);
        await Expect(requests.Answer).ToHaveTextAsync(journey.Answer);
        // Half of the real-time $0.000360: the Batch API's discount, with the counterfactual beside it.
        await Expect(requests.Cost).ToContainTextAsync($"${journey.Cost} (real-time counterfactual $0.000360)");
        await Expect(requests.Fact("Batch job")).ToBeVisibleAsync();
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot("ProviderJourney_openai-batch_RequestDetail"), FullPage = true });
    }

    private async Task<Guid?> BatchJobOfAsync(Guid requestId)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>().CreateDbContextAsync(Token);
        return await db.Requests.AsNoTracking().Where(r => r.Id == requestId).Select(r => r.BatchJobId).SingleAsync(Token);
    }

    /// <summary>Asks until the answer is not null; the app's background jobs run on their own schedule (every 5–15 s).</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(45);
        while (true)
        {
            if (await probe() is { } answer)
            {
                return answer;
            }
            Assert.True(DateTimeOffset.UtcNow < deadline, "The app's background jobs did not get there within 45 s.");
            await Task.Delay(250, Token);
        }
    }

    private async Task SendAndFindInExplorerAsync(ProviderCase journey)
    {
        using var api = App.CreateApiClient();
        var sent = await RequestApi.SubmitAsync(api, RequestApi.Body(journey.Slug, "What is the capital of France?"), Token);
        Assert.Equal(("Succeeded", "realtime"), (sent.Status, sent.Mode));

        var requests = new RequestsPage(Page, App.BaseUrl);
        await requests.OpenAsync();
        await requests.FilterByWorkloadAsync(journey.Slug);
        // The workload's only request: the grid has reloaded with the filter (a click on a row it is replacing is lost).
        await Expect(requests.Rows).ToHaveCountAsync(1);
        await Expect(requests.RowStatus(sent.Id)).ToHaveTextAsync("Succeeded");
        Assert.Equal(journey.Model.ToString(), await requests.RowCellAsync(sent.Id, "Provider / model"));
        Assert.Equal("Real time", await requests.RowCellAsync(sent.Id, "Mode"));
        Assert.Equal(journey.Cost, await requests.RowCellAsync(sent.Id, "Cost (USD)"));

        await requests.OpenDetailAsync(sent.Id);
        await Expect(requests.Fact("Provider / model")).ToHaveTextAsync(journey.Model.ToString());
        await Expect(requests.Answer).ToHaveTextAsync(journey.Answer);
        await Expect(requests.Fact("Tokens")).ToHaveTextAsync(
            $"{ProvidersAppFixture.InputTokens:N0} in · {ProvidersAppFixture.OutputTokens:N0} out");
        await Expect(requests.Cost).ToContainTextAsync($"${journey.Cost} (real-time counterfactual ${journey.Cost})");
        await Page.ScreenshotAsync(new() { Path = Artifacts.Screenshot($"ProviderJourney_{journey.Model.Provider}_RequestDetail"), FullPage = true });
    }
}
