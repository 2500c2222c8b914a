namespace ControlPlane.Domain.Alerts;

public enum AlertSeverity { Info, Warning, Critical }

/// <summary>
/// A condition someone should look at. One alert per condition <see cref="Key"/> while it holds: evaluation
/// refreshes <see cref="LastSeenAt"/> instead of raising it again, and clears it when the condition is gone.
/// </summary>
public sealed class Alert
{
    private Alert() { }

    public Alert(string key, string kind, AlertSeverity severity, string title, string detail, string? link, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        Key = key;
        Kind = kind;
        Severity = severity;
        Title = title;
        Detail = detail;
        Link = link;
        RaisedAt = LastSeenAt = at;
    }

    public Guid Id { get; private set; }
    public string Key { get; private set; } = "";
    public string Kind { get; private set; } = "";
    public AlertSeverity Severity { get; private set; }
    public string Title { get; private set; } = "";
    public string Detail { get; private set; } = "";
    public string? Link { get; private set; }
    public DateTimeOffset RaisedAt { get; private set; }
    public DateTimeOffset LastSeenAt { get; private set; }
    public DateTimeOffset? ClearedAt { get; private set; }
    public DateTimeOffset? AcknowledgedAt { get; private set; }
    public string? AcknowledgedBy { get; private set; }
    public DateTimeOffset? NotifiedAt { get; set; }

    public bool IsOpen => ClearedAt is null;

    public void StillHolds(string detail, DateTimeOffset at)
    {
        Detail = detail;
        LastSeenAt = at;
    }

    public void Clear(DateTimeOffset at) => ClearedAt ??= at;

    public void Acknowledge(string actor, DateTimeOffset at)
    {
        if (AcknowledgedAt is null)
        {
            AcknowledgedAt = at;
            AcknowledgedBy = actor;
        }
    }
}
