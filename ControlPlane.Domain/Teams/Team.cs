using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.Teams;

/// <summary>A group that owns workloads, API keys and spend.</summary>
public sealed class Team
{
    private Team() { }

    public Team(string slug, string name, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7(createdAt);
        Slug = Common.Slug.Ensure(slug);
        Name = string.IsNullOrWhiteSpace(name) ? throw new DomainException("A team needs a name.") : name.Trim();
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string Slug { get; private set; } = "";
    public string Name { get; private set; } = "";
    public decimal? MonthlyBudget { get; set; }
    public DateTimeOffset CreatedAt { get; private set; }
}
