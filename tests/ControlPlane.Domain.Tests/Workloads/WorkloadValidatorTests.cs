using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Demo;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Domain.Tests.Workloads;

public sealed class WorkloadValidatorTests
{
    private static readonly Guid TeamId = Guid.NewGuid();

    private static readonly IReadOnlyList<PriceCatalogEntry> Prices =
    [
        .. DemoCatalog.Prices(),
        new(ProviderIds.OpenAI, "realtime-only", 1m, 1m, 0.5m, DemoCatalog.EffectiveFrom, supportsRealtime: true, supportsBatch: false),
    ];

    private static WorkloadValidationContext Context(Segment? recommended = null) =>
        new(Prices, [TeamId], new HashSet<string> { "customer-chatbot" }, recommended);

    private static WorkloadDraft Valid() => new()
    {
        Name = "Invoice triage",
        Slug = "invoice-triage",
        TeamId = TeamId,
        Segment = Segment.Hybrid,
        LatencyTargetP95Ms = 3_000,
        AvailabilityPercent = 99.5m,
        DefaultDeadlineHours = 6,
        RealtimeModel = "openai/gpt-4o-mini",
        BatchModel = "openai/gpt-4o-mini",
        Fallbacks = ["anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash"],
        DailyRequests = 10_000,
        MeanInputTokens = 800,
        MeanOutputTokens = 200,
        CompletionWebhookUrl = "https://example.com/hooks/done",
    };

    private static IReadOnlyDictionary<string, string> Validate(Action<WorkloadDraft> change, Segment? recommended = null)
    {
        var draft = Valid();
        change(draft);
        return WorkloadValidator.Validate(draft, Context(recommended));
    }

    [Fact]
    public void Validate_CompleteHybridDraft_HasNoErrors() => Assert.Empty(Validate(_ => { }));

    [Fact]
    public void Validate_BatchDeadlineLongerThanProviderWindow_SaysWhichWindow()
    {
        var errors = Validate(d => { d.Segment = Segment.BatchFriendly; d.CompletionDeadlineHours = 36; });

        var message = errors[nameof(WorkloadDraft.CompletionDeadlineHours)];
        Assert.Contains("36 h is longer than OpenAI's 24 h batch window", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BatchDeadlineUsesTheRealProviderProfile_SageMakerWindowIsSixHours()
    {
        var errors = Validate(d =>
        {
            d.Segment = Segment.BatchFriendly;
            d.CompletionDeadlineHours = 12;
            d.BatchModel = "sagemaker/llama-3-1-8b-instruct";
        });

        Assert.Contains("6 h batch window", errors[nameof(WorkloadDraft.CompletionDeadlineHours)], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FallbackRepeatsPrimary_IsRefusedWithReason()
    {
        var errors = Validate(d => d.Fallbacks.Add("openai/gpt-4o-mini"));

        Assert.Contains("is the primary real-time model", errors[nameof(WorkloadDraft.Fallbacks)], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FallbackListedTwice_IsRefused()
    {
        var errors = Validate(d => d.Fallbacks.Add("anthropic/claude-haiku-4-5"));

        Assert.Contains("twice", errors[nameof(WorkloadDraft.Fallbacks)], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.5)]
    public void Validate_AvailabilityOutsideZeroToHundred_IsRefused(double availability)
    {
        var errors = Validate(d => d.AvailabilityPercent = (decimal)availability);

        Assert.Contains("at most 100", errors[nameof(WorkloadDraft.AvailabilityPercent)], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NegativeAndMissingNumbers_AreReportedPerField()
    {
        var errors = Validate(d => { d.DailyRequests = -5; d.MeanInputTokens = null; d.MonthlyBudget = -1; d.LatencyTargetP95Ms = null; });

        Assert.Contains("cannot be negative", errors[nameof(WorkloadDraft.DailyRequests)], StringComparison.Ordinal);
        Assert.Contains("Estimate", errors[nameof(WorkloadDraft.MeanInputTokens)], StringComparison.Ordinal);
        Assert.Contains("cannot be negative", errors[nameof(WorkloadDraft.MonthlyBudget)], StringComparison.Ordinal);
        Assert.Contains("latency target", errors[nameof(WorkloadDraft.LatencyTargetP95Ms)], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Invoice Triage", "invoice-triage")]
    [InlineData("invoice--triage", "invoice-triage")]
    public void Validate_SlugWithWrongFormat_SuggestsAValidOne(string slug, string suggestion)
    {
        var errors = Validate(d => d.Slug = slug);

        Assert.Contains(suggestion, errors[nameof(WorkloadDraft.Slug)], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SlugTakenByAnotherWorkload_IsRefused()
    {
        var errors = Validate(d => d.Slug = "customer-chatbot");

        Assert.Contains("already uses", errors[nameof(WorkloadDraft.Slug)], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BatchModelWithoutBatchSupport_IsRefused()
    {
        var errors = Validate(d => d.BatchModel = "openai/realtime-only");

        Assert.Contains("not offered for batch", errors[nameof(WorkloadDraft.BatchModel)], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TimeCriticalWorkload_NeedsNoBatchModelOrDeadline()
    {
        Assert.Empty(Validate(d => { d.Segment = Segment.TimeCritical; d.BatchModel = null; d.DefaultDeadlineHours = null; }));
    }

    [Theory]
    [InlineData("http://example.com/hook", "Use https")]
    [InlineData("not a url", "absolute URL")]
    public void Validate_WebhookNotHttps_IsRefused(string url, string expected)
    {
        var errors = Validate(d => d.CompletionWebhookUrl = url);

        Assert.Contains(expected, errors[nameof(WorkloadDraft.CompletionWebhookUrl)], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PlainHttpWebhookToLocalhost_IsAllowed() =>
        Assert.Empty(Validate(d => d.CompletionWebhookUrl = "http://localhost:5080/hook"));

    [Fact]
    public void Validate_DeadlineNotLongerThanPromotionMargin_IsRefused()
    {
        var errors = Validate(d => { d.DefaultDeadlineHours = 1; d.PromotionMarginMinutes = 90; });

        Assert.Contains("promotion margin", errors[nameof(WorkloadDraft.DefaultDeadlineHours)], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SegmentDiffersFromRecommendationWithoutReason_AsksWhy()
    {
        var errors = Validate(_ => { }, recommended: Segment.TimeCritical);

        Assert.Contains("say why", errors[nameof(WorkloadDraft.OverrideReason)], StringComparison.Ordinal);
        Assert.Empty(Validate(d => d.OverrideReason = "Nightly backfills can wait.", recommended: Segment.TimeCritical));
    }

    [Fact]
    public void Draft_RoundTripsThroughAWorkload_WithOnlyTheSegmentsTargetsStored()
    {
        var draft = Valid();
        var workload = draft.CreateWorkload(DateTimeOffset.UnixEpoch);

        var back = WorkloadDraft.From(workload);

        Assert.Equal(6m, back.DefaultDeadlineHours);
        Assert.Null(back.CompletionDeadlineHours);
        Assert.Equal(draft.Fallbacks, back.Fallbacks);
        Assert.Equal(ModelRef.Parse("openai/gpt-4o-mini"), workload.BatchModel);
        Assert.Empty(WorkloadValidator.Validate(back, Context()));
    }
}
