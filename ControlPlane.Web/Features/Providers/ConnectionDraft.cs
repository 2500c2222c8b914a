using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers;

namespace ControlPlane.Web.Features.Providers;

/// <summary>A saved connection as the page may show it: whether a secret is set, never the secret.</summary>
public sealed record ConnectionView(
    Guid Id, string Provider, string Name, bool Enabled, IReadOnlyDictionary<string, string> Settings, bool HasSecret,
    int? RequestsPerMinute, DateTimeOffset UpdatedAt)
{
    public static ConnectionView From(ProviderConnection c) => new(c.Id, c.Provider, c.Name, c.Enabled,
        ConnectionSchema.ParseSettings(c.SettingsJson), c.ProtectedSecret is not null, c.RealtimeRequestsPerMinute, c.UpdatedAt);
}

/// <summary>The connection form. <see cref="NewSecret"/> is write-only: empty keeps the stored secret.</summary>
public sealed class ConnectionDraft
{
    public string Provider { get; set; } = "";
    public string Name { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public Dictionary<string, string> Settings { get; set; } = [];
    public string? NewSecret { get; set; }
    public bool ClearSecret { get; set; }
    public int? RequestsPerMinute { get; set; }

    public static ConnectionDraft For(string provider, ConnectionView? saved) => new()
    {
        Provider = provider,
        Name = saved?.Name ?? ProviderIds.DisplayName(provider),
        Enabled = saved?.Enabled ?? true,
        Settings = saved?.Settings.ToDictionary() ?? [],
        RequestsPerMinute = saved?.RequestsPerMinute,
    };
}

/// <summary>The answer of "Test connection": latency on success, the mapped error class and message otherwise.</summary>
public sealed record ConnectionTestResult(bool Succeeded, string Message, string? Model = null, TimeSpan? Latency = null);
