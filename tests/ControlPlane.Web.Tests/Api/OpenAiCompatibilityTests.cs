using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Json;
using OpenAI;
using OpenAI.Chat;

namespace ControlPlane.Web.Tests.Api;

/// <summary>The official OpenAI .NET SDK, pointed at ControlPlane by base URL, works unchanged.</summary>
public sealed class OpenAiCompatibilityTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private ChatClient Client(string workload) => new(workload, new ApiKeyCredential(ApiFactory.BootstrapKey), new OpenAIClientOptions
    {
        Endpoint = new Uri(factory.Server.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(factory.CreateClient()),
    });

    [Fact]
    public async Task OpenAiSdk_ChatCompletion_AnswersThroughTheWorkload()
    {
        ChatCompletion completion = await Client("customer-chatbot").CompleteChatAsync(
            [new SystemChatMessage("You are helpful."), new UserChatMessage("Where is my order?")],
            new ChatCompletionOptions { MaxOutputTokenCount = 64 }, TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal("customer-chatbot", completion.Model);
    }

    [Fact]
    public async Task OpenAiSdk_HybridWorkload_RunsInRealTimeBecauseTheCallerWaits()
    {
        ChatCompletion completion = await Client("data-enrichment").CompleteChatAsync(
            [new UserChatMessage("Tag: red running shoes")], cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
    }

    [Fact]
    public async Task OpenAiSdk_StreamingChat_ReceivesTheAnswerTheUsageAndTheEnd()
    {
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        string? id = null;
        await foreach (var update in Client("customer-chatbot").CompleteChatStreamingAsync(
            [new UserChatMessage("Where is my order?")], new ChatCompletionOptions { MaxOutputTokenCount = 64 }, TestContext.Current.CancellationToken))
        {
            id ??= update.CompletionId;
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            finish = update.FinishReason ?? finish;
            usage = update.Usage ?? usage;
        }

        Assert.False(string.IsNullOrWhiteSpace(text.ToString()));
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage); // the SDK asks for include_usage when streaming
        Assert.True(usage.OutputTokenCount > 0);

        // The streamed answer is the stored request's output: one request, tracked and costed like any other.
        using var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", ApiFactory.BootstrapKey);
        var stored = await http.GetFromJsonAsync<System.Text.Json.JsonElement>(
            $"/api/v1/requests/{Guid.ParseExact(id!["chatcmpl-".Length..], "N")}", TestContext.Current.CancellationToken);
        Assert.Equal(text.ToString(), stored.GetProperty("output").GetString());
        Assert.Equal("Succeeded", stored.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenAiSdk_UnknownWorkload_SurfacesAsA404ClientError()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client("nope").CompleteChatAsync(
            [new UserChatMessage("x")], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(404, ex.Status);
    }
}
