using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Web.Endpoints;

/// <summary><c>ControlPlane:Api</c>: limits of the public request API.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "ControlPlane:Api";

    /// <summary>Largest request body accepted; larger ones get 413 and nothing is stored.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 1024 * 1024;
}
