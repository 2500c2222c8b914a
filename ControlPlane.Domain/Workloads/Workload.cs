using ControlPlane.Domain.Common;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Workloads;

/// <summary>A stream of AI requests with one purpose, one owner and one SLA.</summary>
public sealed class Workload
{
    private List<ModelRef> _fallbacks = [];

    private Workload() { }

    public Workload(Guid teamId, string slug, string name, Segment segment, ServiceLevel sla,
        ModelRef realtimeModel, ModelRef? batchModel, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        TeamId = teamId;
        Slug = Common.Slug.Ensure(slug);
        Rename(name);
        Segment = segment;
        Sla = sla;
        RealtimeModel = realtimeModel;
        BatchModel = batchModel;
        CreatedAt = UpdatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid TeamId { get; private set; }
    public string Slug { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Description { get; set; }
    public Segment Segment { get; set; }
    public ServiceLevel Sla { get; set; } = ServiceLevel.Realtime(2000, 99.9m);

    /// <summary>Primary model for real-time work (and for promoted batch work).</summary>
    public ModelRef RealtimeModel { get; set; } = new(ProviderIds.Simulator, "sim-standard");

    /// <summary>Primary model for batch work; null for a purely time-critical workload.</summary>
    public ModelRef? BatchModel { get; set; }

    /// <summary>Tried in order when the primary real-time model fails.</summary>
    public IReadOnlyList<ModelRef> FallbackChain => _fallbacks;

    public PromotionPolicy Promotion { get; set; } = PromotionPolicy.Default;
    public decimal? MonthlyBudget { get; set; }
    public VolumeEstimate Volume { get; set; } = new(0, 0, 0);
    public Criticality Criticality { get; set; } = Criticality.Standard;

    /// <summary>True when a person waits on the answer (a chat user, a form submit).</summary>
    public bool PersonWaits { get; set; }

    public string? CompletionWebhookUrl { get; set; }

    /// <summary>The HMAC secret completion webhooks are signed with, protected by the host's key ring; never shown again.</summary>
    public string? ProtectedWebhookSecret { get; set; }
    public bool IsArchived { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Hands the workload to another team; its history and spend stay with the workload.</summary>
    public void MoveToTeam(Guid teamId) =>
        TeamId = teamId == Guid.Empty ? throw new DomainException("A workload belongs to a team.") : teamId;

    public void Rename(string name) =>
        Name = string.IsNullOrWhiteSpace(name) ? throw new DomainException("A workload needs a name.") : name.Trim();

    public void SetFallbackChain(IEnumerable<ModelRef> chain)
    {
        var list = chain.ToList();
        if (list.Contains(RealtimeModel))
        {
            throw new DomainException($"The fallback chain repeats the primary model {RealtimeModel}.");
        }
        if (list.Distinct().Count() != list.Count)
        {
            throw new DomainException("The fallback chain lists a model twice.");
        }
        _fallbacks = list;
    }

    /// <summary>The real-time models in the order the executor tries them.</summary>
    public IEnumerable<ModelRef> RealtimeCandidates() => _fallbacks.Prepend(RealtimeModel);

    public void Archive(DateTimeOffset at)
    {
        IsArchived = true;
        Touch(at);
    }

    public void Restore(DateTimeOffset at)
    {
        IsArchived = false;
        Touch(at);
    }

    public void Touch(DateTimeOffset at) => UpdatedAt = at;
}
