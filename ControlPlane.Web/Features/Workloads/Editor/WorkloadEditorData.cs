using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Workloads;

namespace ControlPlane.Web.Features.Workloads.Editor;

public sealed record TeamOption(Guid Id, string Name);

/// <summary>Everything the editor needs to show, check and advise on one workload (or a new one).</summary>
/// <param name="Version">The concurrency token read with the workload; a save with an older one is refused.</param>
public sealed record WorkloadEditorData(
    WorkloadDraft Draft,
    Guid? Id,
    long Version,
    bool IsArchived,
    IReadOnlyList<TeamOption> Teams,
    IReadOnlyList<PriceCatalogEntry> CurrentPrices,
    DateOnly Today,
    decimal BatchOverheadMonthly,
    IReadOnlySet<string> TakenSlugs,
    IReadOnlyList<AuditEntry> History)
{
    public bool IsNew => Id is null;

    public PriceCatalog Catalog { get; } = new(CurrentPrices);

    public WorkloadValidationContext ValidationContext(Segment? recommended) =>
        new(CurrentPrices, Teams.Select(t => t.Id).ToList(), TakenSlugs, recommended);
}

/// <summary>The outcome of a save: the workload's slug when stored, else why not (per field, or as a whole).</summary>
public sealed record WorkloadSaveResult(string? Slug, IReadOnlyDictionary<string, string> Errors, string? Problem)
{
    public bool Saved => Slug is not null && Problem is null && Errors.Count == 0;

    public static WorkloadSaveResult Ok(string slug) => new(slug, new Dictionary<string, string>(), null);

    public static WorkloadSaveResult Invalid(IReadOnlyDictionary<string, string> errors) => new(null, errors, null);

    public static WorkloadSaveResult Refused(string problem) => new(null, new Dictionary<string, string>(), problem);
}
