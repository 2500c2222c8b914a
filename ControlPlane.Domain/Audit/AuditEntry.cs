namespace ControlPlane.Domain.Audit;

/// <summary>One field's value before and after a change, as text a person can read.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>Who did what to which thing, when, and what changed.</summary>
public sealed record AuditEntry(
    Guid Id,
    DateTimeOffset Time,
    string Actor,
    string Action,
    string EntityType,
    string EntityId,
    IReadOnlyList<FieldChange> Changes,
    string? Reason)
{
    public static AuditEntry Create(DateTimeOffset time, string actor, string action, string entityType, string entityId,
        IReadOnlyList<FieldChange>? changes = null, string? reason = null) =>
        new(Guid.CreateVersion7(time), time, actor, action, entityType, entityId, changes ?? [], reason);
}
