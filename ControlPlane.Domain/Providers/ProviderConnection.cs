using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.Providers;

/// <summary>
/// Credentials and settings for one provider account. The secret is stored encrypted by the host
/// (Data Protection); the domain never sees it in clear and never shows it back.
/// </summary>
public sealed class ProviderConnection
{
    private ProviderConnection() { }

    public ProviderConnection(string provider, string name, DateTimeOffset createdAt)
    {
        if (!ProviderIds.All.Contains(provider))
        {
            throw new DomainException($"'{provider}' is not a provider ControlPlane knows.");
        }
        Id = Guid.CreateVersion7(createdAt);
        Provider = provider;
        Name = string.IsNullOrWhiteSpace(name) ? ProviderIds.DisplayName(provider) : name.Trim();
        CreatedAt = UpdatedAt = createdAt;
        Enabled = true;
    }

    public Guid Id { get; private set; }
    public string Provider { get; private set; } = "";
    public string Name { get; set; } = "";
    public bool Enabled { get; set; }

    /// <summary>Non-secret settings as JSON: base URL, region, project, location, endpoint names.</summary>
    public string SettingsJson { get; set; } = "{}";

    /// <summary>The protected (encrypted) secret, or null when credentials come from the environment.</summary>
    public string? ProtectedSecret { get; set; }

    /// <summary>How many real-time requests per minute this account may take (promotion capacity).</summary>
    public int? RealtimeRequestsPerMinute { get; set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
