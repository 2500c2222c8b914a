namespace ControlPlane.Domain.Abstractions;

/// <summary>The one set of error classes every adapter maps its provider's errors to.</summary>
public enum ProviderErrorClass
{
    RateLimited,
    Overloaded,
    ServerError,
    Timeout,
    InvalidRequest,
    Authentication,
    QuotaExhausted,
}

public static class ProviderErrorClassExtensions
{
    /// <summary>Worth another try: the same call may succeed later.</summary>
    public static bool IsRetryable(this ProviderErrorClass errorClass) => errorClass switch
    {
        ProviderErrorClass.RateLimited or ProviderErrorClass.Overloaded or
        ProviderErrorClass.ServerError or ProviderErrorClass.Timeout => true,
        _ => false,
    };
}

/// <summary>A provider call failed; <see cref="ErrorClass"/> decides retry and fallback.</summary>
public sealed class ProviderException(
    string provider,
    ProviderErrorClass errorClass,
    string message,
    int? statusCode = null,
    TimeSpan? retryAfter = null,
    Exception? inner = null) : Exception(message, inner)
{
    public string Provider { get; } = provider;
    public ProviderErrorClass ErrorClass { get; } = errorClass;
    public int? StatusCode { get; } = statusCode;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
