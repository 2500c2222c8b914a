using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Domain;

/// <summary>The <c>ControlPlane</c> section of appsettings.json: the keys DESIGN.md promises automation.</summary>
public sealed class ControlPlaneOptions
{
    public const string SectionName = "ControlPlane";

    /// <summary>Shown in the app bar and the browser title.</summary>
    [Required]
    public string DisplayName { get; set; } = "ControlPlane";

    /// <summary>SQLite databases, Hangfire storage, key ring and Simulator files. Relative paths start at the app's content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>An EF Core connection string; empty means <c>controlplane.db</c> in the data directory.</summary>
    public string? DatabaseConnectionString { get; set; }

    /// <summary>An API key with access to every team, for automation and first use; stored hashed like any other. Empty: none.</summary>
    public string? BootstrapApiKey { get; set; }
}
