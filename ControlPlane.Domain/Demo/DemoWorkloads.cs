using ControlPlane.Domain.Providers;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Domain.Demo;

/// <summary>The teams and the five workloads DESIGN.md names, with plausible volumes.</summary>
public static class DemoWorkloads
{
    public sealed record DemoTeam(string Slug, string Name, decimal MonthlyBudget);

    public sealed record DemoWorkload(
        string TeamSlug, string Slug, string Name, string Description, Segment Segment, ServiceLevel Sla,
        string RealtimeModel, string? BatchModel, string[] Fallbacks, VolumeEstimate Volume, Criticality Criticality,
        bool PersonWaits, decimal MonthlyBudget, PromotionPolicy Promotion);

    public static readonly IReadOnlyList<DemoTeam> Teams =
    [
        new("support", "Customer Support", 5_000m),
        new("operations", "Operations", 15_000m),
        new("analytics", "Analytics", 3_000m),
        new("trust-safety", "Trust & Safety", 4_000m),
        new("data-platform", "Data Platform", 4_000m),
    ];

    public static readonly IReadOnlyList<DemoWorkload> Workloads =
    [
        new("support", "customer-chatbot", "Customer chatbot",
            "Answers customers in the help widget while they wait.",
            Segment.TimeCritical, ServiceLevel.Realtime(2_500, 99.9m),
            "openai/gpt-4o-mini", null, ["anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash"],
            new VolumeEstimate(40_000, 600, 250), Criticality.High, PersonWaits: true, 1_500m, PromotionPolicy.Default),
        new("operations", "document-processing", "Document processing",
            "Extracts fields from uploaded contracts and invoices overnight.",
            Segment.BatchFriendly, ServiceLevel.Batch(TimeSpan.FromHours(24)),
            "anthropic/claude-sonnet-4-5", "anthropic/claude-sonnet-4-5", ["openai/gpt-4.1"],
            new VolumeEstimate(20_000, 4_000, 800), Criticality.Standard, PersonWaits: false, 12_000m,
            new PromotionPolicy(true, TimeSpan.FromHours(2), TimeSpan.FromHours(6), BatchFailurePolicy.Rebatch)),
        new("analytics", "predictive-analytics", "Predictive analytics",
            "Scores churn risk for the account dashboards.",
            Segment.TimeCritical, ServiceLevel.Realtime(5_000, 99.5m),
            "gemini/gemini-2.5-flash", null, ["vertex/gemini-2.5-flash", "openai/gpt-4.1-mini"],
            new VolumeEstimate(5_000, 1_500, 300), Criticality.Standard, PersonWaits: false, 1_000m, PromotionPolicy.Default),
        new("trust-safety", "content-moderation", "Content moderation",
            "Screens every user post before it is published. Safety-critical: never deferred.",
            Segment.TimeCritical, ServiceLevel.Realtime(1_500, 99.95m),
            "openai/gpt-4.1-mini", null, ["anthropic/claude-haiku-4-5"],
            new VolumeEstimate(100_000, 300, 20), Criticality.SafetyCritical, PersonWaits: true, 2_500m, PromotionPolicy.Default),
        new("data-platform", "data-enrichment", "Data enrichment",
            "Tags and summarises catalogue records; urgent ones carry a short deadline.",
            Segment.Hybrid, new ServiceLevel(4_000, 99.5m, null, TimeSpan.FromHours(6)),
            "openai/gpt-4o-mini", "openai/gpt-4o-mini", ["gemini/gemini-2.5-flash-lite"],
            new VolumeEstimate(30_000, 800, 200), Criticality.Low, PersonWaits: false, 800m,
            new PromotionPolicy(true, TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), BatchFailurePolicy.Promote)),
    ];
}
