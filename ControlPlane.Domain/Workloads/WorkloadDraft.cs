using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Workloads;

/// <summary>
/// Every field of a workload as a person edits it: plain, nullable values (so "missing" can be told apart
/// from zero), durations in the units the form shows. <see cref="WorkloadValidator"/> checks it; only a
/// valid draft becomes or changes a <see cref="Workload"/>.
/// </summary>
public sealed class WorkloadDraft
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public Guid? TeamId { get; set; }
    public Segment Segment { get; set; } = Segment.TimeCritical;

    public int? LatencyTargetP95Ms { get; set; } = 2_000;
    public decimal? AvailabilityPercent { get; set; } = 99.9m;
    public decimal? CompletionDeadlineHours { get; set; }
    public decimal? DefaultDeadlineHours { get; set; }

    /// <summary>provider/model, e.g. openai/gpt-4o-mini.</summary>
    public string? RealtimeModel { get; set; }

    public string? BatchModel { get; set; }
    public List<string> Fallbacks { get; set; } = [];

    public bool AutoPromote { get; set; } = PromotionPolicy.Default.AutoPromote;
    public int? PromotionMarginMinutes { get; set; } = (int)PromotionPolicy.Default.Margin.TotalMinutes;
    public decimal? StallLimitHours { get; set; } = (decimal)PromotionPolicy.Default.StallLimit.TotalHours;
    public BatchFailurePolicy OnBatchFailure { get; set; } = PromotionPolicy.Default.OnBatchFailure;

    public decimal? MonthlyBudget { get; set; }
    public int? DailyRequests { get; set; }
    public int? MeanInputTokens { get; set; }
    public int? MeanOutputTokens { get; set; }
    public Criticality Criticality { get; set; } = Criticality.Standard;
    public bool PersonWaits { get; set; }
    public string? CompletionWebhookUrl { get; set; }

    /// <summary>Why the chosen segment differs from the recommendation; kept in the audit entry, not on the workload.</summary>
    public string? OverrideReason { get; set; }

    public static WorkloadDraft From(Workload workload) => new()
    {
        Slug = workload.Slug,
        Name = workload.Name,
        Description = workload.Description,
        TeamId = workload.TeamId,
        Segment = workload.Segment,
        LatencyTargetP95Ms = workload.Sla.LatencyTargetP95Ms,
        AvailabilityPercent = workload.Sla.AvailabilityTargetPercent,
        CompletionDeadlineHours = Hours(workload.Sla.CompletionDeadline),
        DefaultDeadlineHours = Hours(workload.Sla.DefaultDeadline),
        RealtimeModel = workload.RealtimeModel.ToString(),
        BatchModel = workload.BatchModel?.ToString(),
        Fallbacks = workload.FallbackChain.Select(m => m.ToString()).ToList(),
        AutoPromote = workload.Promotion.AutoPromote,
        PromotionMarginMinutes = (int)workload.Promotion.Margin.TotalMinutes,
        StallLimitHours = Hours(workload.Promotion.StallLimit),
        OnBatchFailure = workload.Promotion.OnBatchFailure,
        MonthlyBudget = workload.MonthlyBudget,
        DailyRequests = workload.Volume.DailyRequests,
        MeanInputTokens = workload.Volume.MeanInputTokens,
        MeanOutputTokens = workload.Volume.MeanOutputTokens,
        Criticality = workload.Criticality,
        PersonWaits = workload.PersonWaits,
        CompletionWebhookUrl = workload.CompletionWebhookUrl,
    };

    /// <summary>A new workload from a valid draft (call <see cref="WorkloadValidator"/> first).</summary>
    public Workload CreateWorkload(DateTimeOffset now)
    {
        var workload = new Workload(TeamId!.Value, Slug!, Name!, Segment, ToServiceLevel(),
            ModelRef.Parse(RealtimeModel!), BatchModelForSegment(), now);
        ApplyTo(workload, now);
        return workload;
    }

    /// <summary>Writes a valid draft onto an existing workload (the slug never changes: people bookmark it).</summary>
    public void ApplyTo(Workload workload, DateTimeOffset now)
    {
        workload.Rename(Name!);
        workload.MoveToTeam(TeamId!.Value);
        workload.Description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim();
        workload.Segment = Segment;
        workload.Sla = ToServiceLevel();
        workload.RealtimeModel = ModelRef.Parse(RealtimeModel!);
        workload.BatchModel = BatchModelForSegment();
        workload.SetFallbackChain(Fallbacks.Select(ModelRef.Parse));
        workload.Promotion = new PromotionPolicy(AutoPromote, TimeSpan.FromMinutes(PromotionMarginMinutes ?? 0),
            FromHours(StallLimitHours) ?? TimeSpan.Zero, OnBatchFailure);
        workload.MonthlyBudget = MonthlyBudget;
        workload.Volume = ToVolume();
        workload.Criticality = Criticality;
        workload.PersonWaits = PersonWaits;
        workload.CompletionWebhookUrl = string.IsNullOrWhiteSpace(CompletionWebhookUrl) ? null : CompletionWebhookUrl.Trim();
        workload.Touch(now);
    }

    /// <summary>Only the targets the segment is held to are stored; the others would mislead the SLA page.</summary>
    public ServiceLevel ToServiceLevel() => Segment switch
    {
        Segment.TimeCritical => new ServiceLevel(LatencyTargetP95Ms, AvailabilityPercent, null, null),
        Segment.BatchFriendly => new ServiceLevel(null, null, FromHours(CompletionDeadlineHours), null),
        _ => new ServiceLevel(LatencyTargetP95Ms, AvailabilityPercent, null, FromHours(DefaultDeadlineHours)),
    };

    public VolumeEstimate ToVolume() => new(DailyRequests ?? 0, MeanInputTokens ?? 0, MeanOutputTokens ?? 0);

    /// <summary>The longest an answer may take under the draft's SLA: the advisor's starting point.</summary>
    public decimal? AnswerWithinHours() => Segment switch
    {
        Segment.BatchFriendly => CompletionDeadlineHours,
        Segment.Hybrid => DefaultDeadlineHours,
        _ => LatencyTargetP95Ms is { } ms ? Math.Round(ms / 3_600_000m, 6) : null,
    };

    public WorkloadDraft Clone()
    {
        var copy = (WorkloadDraft)MemberwiseClone();
        copy.Fallbacks = [.. Fallbacks];
        return copy;
    }

    private ModelRef? BatchModelForSegment() =>
        Segment == Segment.TimeCritical || string.IsNullOrWhiteSpace(BatchModel) ? null : ModelRef.Parse(BatchModel);

    private static decimal? Hours(TimeSpan? span) => span is { } s ? Math.Round((decimal)s.TotalHours, 4) : null;

    private static TimeSpan? FromHours(decimal? hours) => hours is { } h ? TimeSpan.FromHours((double)h) : null;
}
