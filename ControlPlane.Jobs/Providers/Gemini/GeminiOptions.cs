using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Providers.Gemini;

/// <summary>
/// The Gemini API connection (Google AI Studio key, sent as <c>x-goog-api-key</c>). <see cref="ApiKey"/> comes from the
/// environment (<c>ControlPlane__Providers__Gemini__ApiKey</c>) or user-secrets, never from a committed file.
/// </summary>
public sealed class GeminiOptions
{
    public const string SectionName = "ControlPlane:Providers:Gemini";

    public string? ApiKey { get; set; }

    [Required, Url]
    public string BaseUrl { get; set; } = "https://generativelanguage.googleapis.com";

    [Required]
    public string ApiVersion { get; set; } = "v1beta";

    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// A batch whose inline body would be larger goes through the File API instead (up to its 2 GB a file, the provider's
    /// <c>MaxBatchBytes</c>). At most 20 MB, Gemini's limit for inline Batch Mode input; lowered in tests.
    /// </summary>
    [Range(1024, 20L * 1024 * 1024)]
    public long MaxInlineBatchBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>How many pages of recent batches <c>FindBatchAsync</c> looks through.</summary>
    [Range(1, 100)]
    public int FindBatchPages { get; set; } = 3;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
