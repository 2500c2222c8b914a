using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Providers.Vertex;

/// <summary>
/// The Vertex AI connection: a Google Cloud project and region, authenticated with a service-account key
/// (<see cref="ServiceAccountJson"/> from the environment, <c>ControlPlane__Providers__Vertex__ServiceAccountJson</c>,
/// or a key file at <see cref="CredentialsFile"/>), never from a committed file. Batch needs a Cloud Storage
/// <see cref="Bucket"/> the Vertex AI service agent can read and write.
/// </summary>
public sealed class VertexOptions
{
    public const string SectionName = "ControlPlane:Providers:Vertex";

    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    public string? ServiceAccountJson { get; set; }

    public string? CredentialsFile { get; set; }

    public string? ProjectId { get; set; }

    [Required]
    public string Location { get; set; } = "us-central1";

    /// <summary>Empty: the regional endpoint <c>https://{Location}-aiplatform.googleapis.com</c>.</summary>
    [Url]
    public string? BaseUrl { get; set; }

    [Required, Url]
    public string StorageBaseUrl { get; set; } = "https://storage.googleapis.com";

    /// <summary>The Cloud Storage bucket for batch input and output; without it only real-time calls work.</summary>
    public string? Bucket { get; set; }

    /// <summary>Object name prefix inside <see cref="Bucket"/>.</summary>
    [Required]
    public string BucketPrefix { get; set; } = "controlplane";

    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Batch input is uploaded in one simple upload; Vertex accepts up to 1 GB per JSONL input file.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxBatchBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>How many pages of batch prediction jobs <c>FindBatchAsync</c> looks through.</summary>
    [Range(1, 100)]
    public int FindBatchPages { get; set; } = 3;

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(ProjectId) &&
        (!string.IsNullOrWhiteSpace(ServiceAccountJson) || !string.IsNullOrWhiteSpace(CredentialsFile));

    public string EffectiveBaseUrl => (string.IsNullOrWhiteSpace(BaseUrl) ? $"https://{Location}-aiplatform.googleapis.com" : BaseUrl).TrimEnd('/');
}
