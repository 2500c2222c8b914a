using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Workloads;
using ControlPlane.E2E.Infrastructure;
using ControlPlane.Jobs.Providers.Anthropic;
using ControlPlane.Jobs.Providers.Gemini;
using ControlPlane.Jobs.Providers.OpenAI;
using ControlPlane.Jobs.Providers.SageMaker;
using ControlPlane.Jobs.Providers.Vertex;
using ControlPlane.Testing.Loopback;
using ControlPlane.Testing.Providers.Anthropic;
using ControlPlane.Testing.Providers.Gemini;
using ControlPlane.Testing.Providers.OpenAI;
using ControlPlane.Testing.Providers.SageMaker;
using ControlPlane.Testing.Providers.Vertex;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.E2E.Providers;

/// <summary>
/// A third app whose five real adapters talk to loopback fakes of OpenAI, Anthropic, the Gemini API, Vertex AI and
/// SageMaker hosted in this process: the connections are the ordinary <c>ControlPlane:Providers:*</c> settings, so the
/// app's own registration, HttpClients, SDKs and request signing run. Each fake answers with its own text and usage.
/// Time-critical workloads for OpenAI, Gemini, Vertex and SageMaker and a batch-friendly one for OpenAI are seeded; the
/// Anthropic one is created in the workload editor by its journey.
/// </summary>
public sealed class ProvidersAppFixture : AppFixture, IAsyncLifetime
{
    public const string TeamSlug = "analytics";
    public const string TeamName = "Analytics";

    /// <summary>Every fake answers with this many tokens, so each provider's list price gives a distinct cost.</summary>
    public const int InputTokens = 1_200;
    public const int OutputTokens = 300;

    // Filled once the fakes listen (their ports are only known then); the base class reads them when the app starts.
    private readonly Dictionary<string, string> _settings;

    public ProvidersAppFixture()
        : this(new Dictionary<string, string>())
    {
    }

    private ProvidersAppFixture(Dictionary<string, string> settings)
        : base(settings) => _settings = settings;

    /// <summary>The journeys, one per provider: the workload, what its fake answers, and the cost at the demo list price.</summary>
    public static IReadOnlyDictionary<string, ProviderCase> Cases { get; } = new Dictionary<string, ProviderCase>
    {
        // $0.15 / $0.60 per 1M: 1,200 × 0.15 + 300 × 0.60 = $0.000360.
        [ProviderIds.OpenAI] = new("openai-journey", "OpenAI journey", new ModelRef(ProviderIds.OpenAI, "gpt-4o-mini"),
            "Paris, says the OpenAI fake.", "0.000360"),
        // $1 / $5 per 1M: 1,200 × 1 + 300 × 5 = $0.002700.
        [ProviderIds.Anthropic] = new("anthropic-journey", "Anthropic journey", new ModelRef(ProviderIds.Anthropic, "claude-haiku-4-5"),
            "Paris, says the Anthropic fake.", "0.002700"),
        // $0.30 / $2.50 per 1M: 1,200 × 0.30 + 300 × 2.50 = $0.001110, on both Google back ends.
        [ProviderIds.Gemini] = new("gemini-journey", "Gemini journey", new ModelRef(ProviderIds.Gemini, "gemini-2.5-flash"),
            "Paris, says the Gemini API fake.", "0.001110"),
        [ProviderIds.VertexAI] = new("vertex-journey", "Vertex journey", new ModelRef(ProviderIds.VertexAI, "gemini-2.5-flash"),
            "Paris, says the Vertex AI fake.", "0.001110"),
        // The endpoint-hour estimate, $0.20 / $0.20 per 1M: (1,200 + 300) × 0.20 = $0.000300.
        [ProviderIds.SageMaker] = new("sagemaker-journey", "SageMaker journey", new ModelRef(ProviderIds.SageMaker, "llama-3-1-8b-instruct"),
            "Paris, says the SageMaker fake.", "0.000300"),
    };

    /// <summary>A batch-friendly workload on OpenAI's Batch API: its requests wait for a batch, at half the price.</summary>
    public static ProviderCase OpenAIBatch { get; } = new("openai-batch-journey", "OpenAI batch journey",
        new ModelRef(ProviderIds.OpenAI, "gpt-4o-mini"), "Paris, says the OpenAI batch fake.", "0.000180");

    public FakeOpenAI OpenAI { get; private set; } = null!;
    public FakeAnthropic Anthropic { get; private set; } = null!;
    public FakeGemini Gemini { get; private set; } = null!;
    public FakeVertex Vertex { get; private set; } = null!;
    public FakeSageMaker SageMaker { get; private set; } = null!;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await StartFakesAsync();
        await InitializeAsync();
        await SeedWorkloadsAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        foreach (var fake in new IAsyncDisposable?[] { OpenAI, Anthropic, Gemini, Vertex, SageMaker })
        {
            if (fake is not null)
            {
                await fake.DisposeAsync();
            }
        }
    }

    private async Task StartFakesAsync()
    {
        OpenAI = await FakeOpenAI.StartAsync();
        Anthropic = await FakeAnthropic.StartAsync();
        Gemini = await FakeGemini.StartAsync();
        Vertex = await FakeVertex.StartAsync();
        SageMaker = await FakeSageMaker.StartAsync();
        OpenAI.Chat = () => FakeResponses.Json(FakeOpenAI.ChatCompletion(Cases[ProviderIds.OpenAI].Answer, InputTokens, OutputTokens));
        Anthropic.Messages = () => FakeResponses.Json(FakeAnthropic.Message(Cases[ProviderIds.Anthropic].Answer, InputTokens, OutputTokens));
        Gemini.Generate = () => FakeResponses.Json(FakeGemini.Response(Cases[ProviderIds.Gemini].Answer, InputTokens, OutputTokens));
        Vertex.Generate = () => FakeResponses.Json(FakeVertex.Response(Cases[ProviderIds.VertexAI].Answer, InputTokens, OutputTokens));
        SageMaker.Invoke = () => FakeResponses.Json(FakeSageMaker.ChatAnswer(Cases[ProviderIds.SageMaker].Answer, InputTokens, OutputTokens));

        // The same keys an operator sets in the environment (docs/providers.md), pointing at the fakes.
        _settings[$"{OpenAIOptions.SectionName}:ApiKey"] = FakeOpenAI.ApiKey;
        _settings[$"{OpenAIOptions.SectionName}:BaseUrl"] = new Uri(OpenAI.Server.BaseAddress, "/v1").ToString();
        _settings[$"{AnthropicOptions.SectionName}:ApiKey"] = FakeAnthropic.ApiKey;
        _settings[$"{AnthropicOptions.SectionName}:BaseUrl"] = Anthropic.Server.BaseAddress.ToString();
        _settings[$"{GeminiOptions.SectionName}:ApiKey"] = FakeGemini.ApiKey;
        _settings[$"{GeminiOptions.SectionName}:BaseUrl"] = Gemini.Server.BaseAddress.ToString();
        _settings[$"{VertexOptions.SectionName}:ServiceAccountJson"] = Vertex.ServiceAccountJson();
        _settings[$"{VertexOptions.SectionName}:ProjectId"] = FakeVertex.Project;
        _settings[$"{VertexOptions.SectionName}:Location"] = FakeVertex.Location;
        _settings[$"{VertexOptions.SectionName}:BaseUrl"] = Vertex.Server.BaseAddress.ToString();
        _settings[$"{VertexOptions.SectionName}:StorageBaseUrl"] = Vertex.Server.BaseAddress.ToString();
        _settings[$"{VertexOptions.SectionName}:Bucket"] = FakeVertex.Bucket;
        _settings[$"{SageMakerOptions.SectionName}:Region"] = FakeSageMaker.Region;
        _settings[$"{SageMakerOptions.SectionName}:S3Bucket"] = FakeSageMaker.Bucket;
        _settings[$"{SageMakerOptions.SectionName}:RuntimeUrl"] = SageMaker.Server.BaseAddress.ToString();
        _settings[$"{SageMakerOptions.SectionName}:S3ServiceUrl"] = SageMaker.Server.BaseAddress.ToString();
        _settings[$"{SageMakerOptions.SectionName}:AccessKeyId"] = FakeSageMaker.AccessKey;
        _settings[$"{SageMakerOptions.SectionName}:SecretAccessKey"] = FakeSageMaker.SecretKey;

        // A batch forms from one queued request at once and is polled every second or two, so a batch journey stays short.
        _settings["ControlPlane:Batches:MinBatchSize"] = "1";
        _settings["ControlPlane:Batches:MaxWait"] = "00:00:00";
        _settings["ControlPlane:Batches:PollInitialDelay"] = "00:00:01";
        _settings["ControlPlane:Batches:PollMaxDelay"] = "00:00:02";
    }

    /// <summary>As a tech lead would configure them, straight into the database: every provider's case except Anthropic's.</summary>
    private async Task SeedWorkloadsAsync()
    {
        var factory = Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var team = await db.Teams.SingleAsync(t => t.Slug == TeamSlug);
        foreach (var (provider, journey) in Cases.Where(c => c.Key != ProviderIds.Anthropic))
        {
            db.Workloads.Add(new Workload(team.Id, journey.Slug, journey.Name, Segment.TimeCritical, ServiceLevel.Realtime(5_000, 99.5m),
                journey.Model, null, Services.GetRequiredService<TimeProvider>().GetUtcNow())
            {
                Volume = new VolumeEstimate(100, InputTokens, OutputTokens),
            });
        }
        db.Workloads.Add(new Workload(team.Id, OpenAIBatch.Slug, OpenAIBatch.Name, Segment.BatchFriendly, ServiceLevel.Batch(TimeSpan.FromHours(24)),
            OpenAIBatch.Model, OpenAIBatch.Model, Services.GetRequiredService<TimeProvider>().GetUtcNow())
        {
            Volume = new VolumeEstimate(100_000, InputTokens, OutputTokens),
        });
        await db.SaveChangesAsync();
    }
}

/// <summary>One provider's journey: its workload, the model it calls, what its fake answers and what that costs.</summary>
public sealed record ProviderCase(string Slug, string Name, ModelRef Model, string Answer, string Cost);

/// <summary>The provider journeys share <see cref="ProvidersAppFixture"/>; they run one after another, beside the other journeys.</summary>
[CollectionDefinition(nameof(ProvidersAppCollection))]
public sealed class ProvidersAppCollection : ICollectionFixture<ProvidersAppFixture>;
