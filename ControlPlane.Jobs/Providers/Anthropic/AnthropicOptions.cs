using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Providers.Anthropic;

/// <summary>
/// The Anthropic connection. <see cref="ApiKey"/> comes from the environment (<c>ControlPlane__Providers__Anthropic__ApiKey</c>)
/// or user-secrets, never from a committed file.
/// </summary>
public sealed class AnthropicOptions
{
    public const string SectionName = "ControlPlane:Providers:Anthropic";

    public string? ApiKey { get; set; }

    [Required, Url]
    public string BaseUrl { get; set; } = "https://api.anthropic.com";

    /// <summary>The <c>anthropic-version</c> header sent on the batch calls (the SDK sets its own on Messages).</summary>
    [Required]
    public string ApiVersion { get; set; } = "2023-06-01";

    /// <summary>Anthropic requires <c>max_tokens</c>; used when a request does not say.</summary>
    [Range(1, 128_000)]
    public int DefaultMaxTokens { get; set; } = 1024;

    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How many pages of 100 recent batches <c>FindBatchAsync</c> looks through.</summary>
    [Range(1, 100)]
    public int FindBatchPages { get; set; } = 3;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
