using ControlPlane.Domain.Common;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Workloads;

/// <summary>What a draft is checked against: the prices in force, the teams, and the slugs other workloads hold.</summary>
/// <param name="RecommendedSegment">When set, choosing another segment needs a reason.</param>
public sealed record WorkloadValidationContext(
    IReadOnlyCollection<PriceCatalogEntry> CurrentPrices,
    IReadOnlyCollection<Guid> TeamIds,
    IReadOnlySet<string> TakenSlugs,
    Segment? RecommendedSegment = null);

/// <summary>
/// Checks a <see cref="WorkloadDraft"/> and says, per field, what is wrong and why. Shared by the editor and the
/// API so both refuse the same drafts with the same words. An empty result means the draft may be saved.
/// </summary>
public static class WorkloadValidator
{
    public static IReadOnlyDictionary<string, string> Validate(WorkloadDraft draft, WorkloadValidationContext context)
    {
        var errors = new Dictionary<string, string>();
        void Fail(string field, string message) => errors.TryAdd(field, message);

        CheckIdentity(draft, context, Fail);
        CheckServiceLevel(draft, context, Fail);
        CheckModels(draft, context, Fail);
        CheckPolicy(draft, Fail);
        return errors;
    }

    private static void CheckIdentity(WorkloadDraft d, WorkloadValidationContext context, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(d.Name))
        {
            fail(nameof(d.Name), "Give the workload a name.");
        }
        else if (d.Name.Trim().Length > 200)
        {
            fail(nameof(d.Name), "Keep the name to 200 characters.");
        }
        if (string.IsNullOrWhiteSpace(d.Slug))
        {
            fail(nameof(d.Slug), "Give the workload a slug: it is the workload's address, e.g. customer-chatbot.");
        }
        else if (!Slug.IsValid(d.Slug))
        {
            fail(nameof(d.Slug), $"Use lowercase letters, digits and single hyphens (at most {Slug.MaxLength} characters), e.g. {Slug.From(d.Slug)}.");
        }
        else if (context.TakenSlugs.Contains(d.Slug))
        {
            fail(nameof(d.Slug), $"Another workload already uses the slug '{d.Slug}'.");
        }
        if (d.TeamId is null || !context.TeamIds.Contains(d.TeamId.Value))
        {
            fail(nameof(d.TeamId), "Choose the team that owns this workload.");
        }
        if (d.Description?.Length > 2000)
        {
            fail(nameof(d.Description), "Keep the description to 2,000 characters.");
        }
        if (context.RecommendedSegment is { } recommended && recommended != d.Segment && string.IsNullOrWhiteSpace(d.OverrideReason))
        {
            fail(nameof(d.OverrideReason), $"The recommendation is {recommended.Label()}: say why this workload should be {d.Segment.Label()}.");
        }
    }

    private static void CheckServiceLevel(WorkloadDraft d, WorkloadValidationContext context, Action<string, string> fail)
    {
        if (d.Segment != Segment.BatchFriendly)
        {
            if (d.LatencyTargetP95Ms is not { } latency)
            {
                fail(nameof(d.LatencyTargetP95Ms), "Set the p95 latency target in milliseconds: real-time work is held to it.");
            }
            else if (latency <= 0)
            {
                fail(nameof(d.LatencyTargetP95Ms), "The latency target must be more than 0 ms.");
            }
            if (d.AvailabilityPercent is not { } availability)
            {
                fail(nameof(d.AvailabilityPercent), "Set the availability target, e.g. 99.9 %.");
            }
            else if (availability is <= 0 or > 100)
            {
                fail(nameof(d.AvailabilityPercent), "Availability is a percentage above 0 and at most 100.");
            }
        }

        if (d.Segment == Segment.BatchFriendly)
        {
            CheckDeadline(d, context, nameof(d.CompletionDeadlineHours), d.CompletionDeadlineHours, "completion deadline", fail);
        }
        else if (d.Segment == Segment.Hybrid)
        {
            CheckDeadline(d, context, nameof(d.DefaultDeadlineHours), d.DefaultDeadlineHours, "default deadline", fail);
        }
    }

    private static void CheckDeadline(WorkloadDraft d, WorkloadValidationContext context, string field, decimal? hours, string what,
        Action<string, string> fail)
    {
        if (hours is not { } h)
        {
            fail(field, $"Set the {what} in hours after a request arrives.");
            return;
        }
        if (h <= 0)
        {
            fail(field, $"The {what} must be more than 0 hours.");
            return;
        }
        // A batch-friendly request has no real-time way out unless it is promoted: its deadline must fit the
        // provider's window, or the provider may legitimately still be working when the deadline passes.
        if (d.Segment == Segment.BatchFriendly && TryParse(d.BatchModel) is { } batch)
        {
            var window = ProviderCapabilities.For(batch.Provider).BatchWindow;
            if ((double)h > window.TotalHours)
            {
                fail(field, $"The {what} of {h:0.##} h is longer than {ProviderIds.DisplayName(batch.Provider)}'s " +
                    $"{window.TotalHours:0} h batch window: the provider may still be working when it passes. Use at most {window.TotalHours:0} h.");
                return;
            }
        }
        if (d.PromotionMarginMinutes is { } margin && margin / 60m >= h)
        {
            fail(field, $"The {what} of {h:0.##} h is not longer than the promotion margin of {margin} min: " +
                "every batch request would be promoted the moment it arrives.");
        }
    }

    private static void CheckModels(WorkloadDraft d, WorkloadValidationContext context, Action<string, string> fail)
    {
        var realtimeChoices = ModelChoices.For(context.CurrentPrices, RequestMode.Realtime).ToHashSet();
        var batchChoices = ModelChoices.For(context.CurrentPrices, RequestMode.Batch).ToHashSet();

        var primary = TryParse(d.RealtimeModel);
        if (string.IsNullOrWhiteSpace(d.RealtimeModel))
        {
            fail(nameof(d.RealtimeModel), "Choose the real-time model: every segment needs one (batch work is promoted to it).");
        }
        else if (primary is null || !realtimeChoices.Contains(primary))
        {
            fail(nameof(d.RealtimeModel), $"{d.RealtimeModel} has no real-time price in the catalogue; choose a listed model.");
        }

        if (d.Segment != Segment.TimeCritical)
        {
            var batch = TryParse(d.BatchModel);
            if (string.IsNullOrWhiteSpace(d.BatchModel))
            {
                fail(nameof(d.BatchModel), $"Choose the batch model: {d.Segment.Label()} work goes to a provider's batch offer.");
            }
            else if (batch is null || !batchChoices.Contains(batch))
            {
                fail(nameof(d.BatchModel), $"{d.BatchModel} is not offered for batch in the catalogue; choose a listed model.");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fallback in d.Fallbacks)
        {
            var model = TryParse(fallback);
            if (model is null || !realtimeChoices.Contains(model))
            {
                fail(nameof(d.Fallbacks), $"The fallback {fallback} has no real-time price in the catalogue.");
            }
            else if (model == primary)
            {
                fail(nameof(d.Fallbacks), $"The fallback {fallback} is the primary real-time model: falling back to it would retry the same model.");
            }
            else if (!seen.Add(model.ToString()))
            {
                fail(nameof(d.Fallbacks), $"The fallback chain lists {fallback} twice.");
            }
        }
    }

    private static void CheckPolicy(WorkloadDraft d, Action<string, string> fail)
    {
        if (d.PromotionMarginMinutes is not { } margin)
        {
            fail(nameof(d.PromotionMarginMinutes), "Set the promotion margin in minutes.");
        }
        else if (margin < 0)
        {
            fail(nameof(d.PromotionMarginMinutes), "The promotion margin cannot be negative.");
        }
        if (d.StallLimitHours is not { } stall)
        {
            fail(nameof(d.StallLimitHours), "Set the stall limit in hours.");
        }
        else if (stall <= 0)
        {
            fail(nameof(d.StallLimitHours), "The stall limit must be more than 0 hours.");
        }
        if (d.MonthlyBudget < 0)
        {
            fail(nameof(d.MonthlyBudget), "The monthly budget cannot be negative; leave it empty for no budget.");
        }
        NonNegative(nameof(d.DailyRequests), d.DailyRequests, "requests per day", fail);
        NonNegative(nameof(d.MeanInputTokens), d.MeanInputTokens, "mean input tokens", fail);
        NonNegative(nameof(d.MeanOutputTokens), d.MeanOutputTokens, "mean output tokens", fail);
        if (!string.IsNullOrWhiteSpace(d.CompletionWebhookUrl) && WebhookProblem(d.CompletionWebhookUrl.Trim()) is { } problem)
        {
            fail(nameof(d.CompletionWebhookUrl), problem);
        }
    }

    private static void NonNegative(string field, int? value, string what, Action<string, string> fail)
    {
        if (value is null)
        {
            fail(field, $"Estimate the {what}: the projection and the recommendation use it.");
        }
        else if (value < 0)
        {
            fail(field, $"The {what} cannot be negative.");
        }
    }

    /// <summary>Webhooks carry results: only https, except plain http to this machine for development.</summary>
    public static string? WebhookProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "Enter an absolute URL, e.g. https://example.com/hooks/inference.";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            return "Use https: results would travel in clear text. Plain http is allowed only for localhost.";
        }
        return null;
    }

    private static ModelRef? TryParse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        try
        {
            return ModelRef.Parse(value);
        }
        catch (DomainException)
        {
            return null;
        }
    }
}
