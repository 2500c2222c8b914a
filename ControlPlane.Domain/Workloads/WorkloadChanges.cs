using System.Globalization;
using ControlPlane.Domain.Audit;

namespace ControlPlane.Domain.Workloads;

/// <summary>The before → after of a workload edit, field by field, in the words the editor uses.</summary>
public static class WorkloadChanges
{
    public const string EntityType = "Workload";

    public static class Actions
    {
        public const string Created = "Created";
        public const string Edited = "Edited";
        public const string SegmentChanged = "Segment changed";
        public const string Archived = "Archived";
        public const string Restored = "Restored";
    }

    /// <summary>
    /// The workload's fields as text, taken before an edit mutates it so the edit can be compared with it.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Snapshot(Workload w, Func<Guid, string> teamName) =>
    [
        new("Name", w.Name),
        new("Team", teamName(w.TeamId)),
        new("Description", w.Description),
        new("Segment", w.Segment.Label()),
        new("SLA", w.Sla.Summary(w.Segment)),
        new("Real-time model", w.RealtimeModel.ToString()),
        new("Batch model", w.BatchModel?.ToString()),
        new("Fallback chain", w.FallbackChain.Count == 0 ? "none" : string.Join(" → ", w.FallbackChain)),
        new("Promotion", Promotion(w.Promotion)),
        new("Monthly budget", w.MonthlyBudget is { } b ? Format($"${b:N0}") : "none"),
        new("Volume", Format($"{w.Volume.DailyRequests:N0}/day · {w.Volume.MeanInputTokens:N0} in · {w.Volume.MeanOutputTokens:N0} out tokens")),
        new("Criticality", w.Criticality.ToString()),
        new("A person waits", w.PersonWaits ? "yes" : "no"),
        new("Completion webhook", w.CompletionWebhookUrl),
    ];

    /// <summary>Only the fields that differ; a null <paramref name="before"/> (a new workload) lists every set field.</summary>
    public static IReadOnlyList<FieldChange> Between(IReadOnlyList<KeyValuePair<string, string?>>? before,
        IReadOnlyList<KeyValuePair<string, string?>> after)
    {
        var set = new ChangeSet();
        var old = before?.ToDictionary(kv => kv.Key, kv => kv.Value) ?? [];
        foreach (var (field, value) in after)
        {
            set.Compare(field, old.GetValueOrDefault(field), value);
        }
        return set.Changes;
    }

    private static string Promotion(PromotionPolicy p) =>
        Format($"{(p.AutoPromote ? "auto" : "manual")} · margin {p.Margin.TotalMinutes:0} min · stall {ServiceLevel.FormatSpan(p.StallLimit)} · on failure {p.OnBatchFailure}");

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
