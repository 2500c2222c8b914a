using ControlPlane.Domain.Common;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Domain.Tests.Workloads;

public sealed class WorkloadTests
{
    private static readonly DateOnly Day = new(2026, 12, 1);
    private static readonly ModelRef Mini = new("openai", "gpt-4o-mini");
    private static readonly ModelRef Haiku = new("anthropic", "claude-haiku-4-5");

    private static Workload NewWorkload(Segment segment = Segment.TimeCritical) =>
        new(Guid.NewGuid(), "customer-chatbot", "Chatbot", segment, ServiceLevel.Realtime(2000, 99.9m), Mini, Mini, DateTimeOffset.UnixEpoch)
        {
            Volume = new VolumeEstimate(1_000, 1_000, 500),
        };

    [Fact]
    public void FallbackChain_ThatRepeatsThePrimary_IsRefused()
    {
        var ex = Assert.Throws<DomainException>(() => NewWorkload().SetFallbackChain([Haiku, Mini]));
        Assert.Contains("primary", ex.Message);
    }

    [Fact]
    public void FallbackChain_WithADuplicate_IsRefused() =>
        Assert.Throws<DomainException>(() => NewWorkload().SetFallbackChain([Haiku, Haiku]));

    [Fact]
    public void RealtimeCandidates_ArePrimaryThenFallbacksInOrder()
    {
        var workload = NewWorkload();
        var gemini = new ModelRef("gemini", "gemini-2.5-flash");
        workload.SetFallbackChain([gemini, Haiku]);
        Assert.Equal([Mini, gemini, Haiku], workload.RealtimeCandidates());
    }

    [Theory]
    [InlineData("Customer Chatbot", false)]
    [InlineData("customer--chatbot", false)]
    [InlineData("-chatbot", false)]
    [InlineData("chatbot-2", true)]
    public void Slug_AcceptsOnlyLowercaseWordsJoinedBySingleHyphens(string slug, bool valid) =>
        Assert.Equal(valid, Slug.IsValid(slug));

    [Fact]
    public void CostProjection_HybridIsARangeFromAllBatchToAllRealtime()
    {
        var catalog = new PriceCatalog([new PriceCatalogEntry("openai", "gpt-4o-mini", 0.15m, 0.60m, 0.5m, Day)]);
        var projection = CostProjection.For(NewWorkload(Segment.Hybrid), catalog, Day);

        // 30,000 requests × (1,000 × 0.15 + 500 × 0.60) / 1M = $13.50 real-time, $6.75 batch.
        Assert.Equal(6.75m, projection.Low);
        Assert.Equal(13.5m, projection.High);
        Assert.Equal("$7 – $14", projection.Format());
    }

    [Fact]
    public void CostProjection_WithoutAPrice_SaysWhichPriceIsMissing()
    {
        var projection = CostProjection.For(NewWorkload(), new PriceCatalog([]), Day);
        Assert.Null(projection.High);
        Assert.Equal("no price for openai/gpt-4o-mini", projection.Format());
    }

    [Fact]
    public void ServiceLevelSummary_ReadsAsPeopleWriteIt()
    {
        Assert.Equal("p95 ≤ 2,000 ms · 99.9 %", ServiceLevel.Realtime(2000, 99.9m).Summary(Segment.TimeCritical));
        Assert.Equal("done within 24 h", ServiceLevel.Batch(TimeSpan.FromHours(24)).Summary(Segment.BatchFriendly));
    }
}
