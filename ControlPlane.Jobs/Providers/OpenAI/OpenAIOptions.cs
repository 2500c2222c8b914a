using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Providers.OpenAI;

/// <summary>
/// The OpenAI connection. <see cref="ApiKey"/> comes from the environment (<c>ControlPlane__Providers__OpenAI__ApiKey</c>) or user-secrets, never from a committed file. <see cref="BaseUrl"/> points the adapter at
/// Azure OpenAI's v1 API (<c>https://{resource}.openai.azure.com/openai/v1</c>) or any OpenAI-compatible server.
/// </summary>
public sealed class OpenAIOptions
{
    public const string SectionName = "ControlPlane:Providers:OpenAI";

    public string? ApiKey { get; set; }

    [Required, Url]
    public string BaseUrl { get; set; } = "https://api.openai.com/v1";

    public string? Organization { get; set; }

    public string? Project { get; set; }

    /// <summary>How long one real-time call may take before it counts as a timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How many pages of 100 recent batches <c>FindBatchAsync</c> looks through for our client reference.</summary>
    [Range(1, 100)]
    public int FindBatchPages { get; set; } = 5;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
