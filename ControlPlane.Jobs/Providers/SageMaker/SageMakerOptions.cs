using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Providers.SageMaker;

/// <summary>
/// The SageMaker connection. Credentials come from the standard AWS chain (environment variables
/// <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, shared profile, SSO, instance or task role) unless
/// <see cref="AccessKeyId"/> and <see cref="SecretAccessKey"/> are given (from environment or user-secrets only).
/// The model part of a model reference is the endpoint name: <c>sagemaker/my-llama-endpoint</c>.
/// </summary>
public sealed class SageMakerOptions
{
    public const string SectionName = "ControlPlane:Providers:SageMaker";

    /// <summary>The AWS region, e.g. eu-west-1. Setting it is what switches the SageMaker adapter on.</summary>
    public string? Region { get; set; }

    /// <summary>Where batch inputs, manifests and bookkeeping go (async inference reads its input from S3).</summary>
    public string? S3Bucket { get; set; }

    [Required]
    public string S3Prefix { get; set; } = "controlplane/sagemaker";

    /// <summary>Overrides <c>https://runtime.sagemaker.{region}.amazonaws.com</c> (VPC endpoints, tests).</summary>
    [Url]
    public string? RuntimeUrl { get; set; }

    /// <summary>Overrides the S3 endpoint (VPC endpoints, S3-compatible stores, tests); path-style addressing is used then.</summary>
    [Url]
    public string? S3ServiceUrl { get; set; }

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    public string? SessionToken { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a queued async request may wait (X-Amzn-SageMaker-RequestTTLSeconds, at most 6 h); also our batch window.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "06:00:00")]
    public TimeSpan RequestTtl { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How many S3 lookups a status check runs at once.</summary>
    [Range(1, 64)]
    public int StatusConcurrency { get; set; } = 8;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Region);

    public string RuntimeBaseUrl => (RuntimeUrl ?? $"https://runtime.sagemaker.{Region}.amazonaws.com").TrimEnd('/');
}
