using ControlPlane.Domain.Demo;

namespace ControlPlane.Domain.Tests.Demo;

public sealed class DemoTrafficTests
{
    // A Monday.
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("customer-chatbot")]
    [InlineData("content-moderation")]
    [InlineData("predictive-analytics")]
    [InlineData("document-processing")]
    [InlineData("data-enrichment")]
    public void Intensity_AveragesOneOverAWeek(string workload)
    {
        var week = Enumerable.Range(0, 7 * 24 * 4).Select(q => DemoTraffic.Intensity(workload, Monday.AddMinutes(q * 15 + 7.5)));
        Assert.InRange(week.Average(), 0.97, 1.03);
    }

    [Fact]
    public void Intensity_FollowsEachWorkloadsDayAndWeek()
    {
        // People chat in the afternoon, not at 3 am, and less at weekends.
        Assert.True(DemoTraffic.Intensity("customer-chatbot", Monday.AddHours(14)) > 3 * DemoTraffic.Intensity("customer-chatbot", Monday.AddHours(3)));
        Assert.True(DemoTraffic.Intensity("customer-chatbot", Monday.AddHours(14)) > DemoTraffic.Intensity("customer-chatbot", Monday.AddDays(5).AddHours(14)));
        // Posts peak in the evening and at weekends.
        Assert.True(DemoTraffic.Intensity("content-moderation", Monday.AddDays(5).AddHours(20)) > DemoTraffic.Intensity("content-moderation", Monday.AddHours(20)));
        // Documents are uploaded on working days.
        Assert.True(DemoTraffic.Intensity("document-processing", Monday.AddHours(11)) > 5 * DemoTraffic.Intensity("document-processing", Monday.AddDays(6).AddHours(11)));
        // The nightly catalogue import.
        Assert.True(DemoTraffic.Intensity("data-enrichment", Monday.AddHours(2)) > 2 * DemoTraffic.Intensity("data-enrichment", Monday.AddHours(14)));
    }

    [Fact]
    public void Arrivals_OverAWeek_MatchTheDailyVolumeAndTheMix()
    {
        var random = new Random(42);
        var arrivals = Enumerable.Range(0, 7 * 24)
            .SelectMany(h => DemoTraffic.Arrivals(Monday.AddHours(h), Monday.AddHours(h + 1), 400, random))
            .ToList();

        Assert.InRange(arrivals.Count, 7 * 400 * 0.95, 7 * 400 * 1.05);
        foreach (var (workload, weight) in DemoTraffic.Mix)
        {
            Assert.InRange(arrivals.Count(a => a.Workload == workload) / (double)arrivals.Count, weight - 0.03, weight + 0.03);
        }
        var hybrid = arrivals.Where(a => a.Workload == "data-enrichment").ToList();
        Assert.InRange(hybrid.Count(a => a.Urgent) / (double)hybrid.Count, 0.25, 0.41);
        Assert.DoesNotContain(arrivals, a => a.Urgent && a.Workload != "data-enrichment");
    }

    [Fact]
    public void Arrivals_AreInsideTheirWindowInTimeOrder()
    {
        var from = Monday.AddHours(13);
        var arrivals = DemoTraffic.Arrivals(from, from.AddHours(1), 5_000, new Random(7));

        Assert.NotEmpty(arrivals);
        Assert.All(arrivals, a => Assert.True(a.At >= from && a.At < from.AddHours(1)));
        Assert.Equal(arrivals.OrderBy(a => a.At).Select(a => a.At), arrivals.Select(a => a.At));
    }

    [Fact]
    public void Arrivals_WithTheSameSeed_AreTheSame()
    {
        var first = DemoTraffic.Arrivals(Monday, Monday.AddHours(6), 1_000, new Random(3));
        var second = DemoTraffic.Arrivals(Monday, Monday.AddHours(6), 1_000, new Random(3));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Prompts_AreSizedForTheirWorkload()
    {
        var random = new Random(1);
        var document = DemoPrompts.For("document-processing", 17, random);
        var moderation = DemoPrompts.For("content-moderation", 17, random);

        Assert.Contains("1017", document);
        Assert.True(document.Length > 5 * moderation.Length, $"{document.Length} vs {moderation.Length} characters");
    }
}
