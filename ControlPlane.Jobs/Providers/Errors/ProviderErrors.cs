using System.Globalization;
using System.Text.Json;
using ControlPlane.Domain.Abstractions;

namespace ControlPlane.Jobs.Providers.Errors;

/// <summary>
/// Turns a provider's HTTP failure into a <see cref="ProviderException"/> with one of our error classes, so the
/// real-time executor's retry and fallback rules work the same whatever provider answered.
/// The provider's own error word (OpenAI <c>error.code</c>/<c>error.type</c>, Anthropic <c>error.type</c>,
/// Google <c>error.status</c>, AWS <c>x-amzn-ErrorType</c>/<c>__type</c>) wins over the bare status code, because
/// the same status means different things: OpenAI sends 429 both for a rate limit and for an exhausted quota.
/// </summary>
public static class ProviderErrors
{
    private static readonly Dictionary<string, ProviderErrorClass> ErrorWords = new(StringComparer.OrdinalIgnoreCase)
    {
        // Quota and billing: retrying will not help until someone pays.
        ["insufficient_quota"] = ProviderErrorClass.QuotaExhausted,
        ["billing_error"] = ProviderErrorClass.QuotaExhausted,
        ["billing_hard_limit_reached"] = ProviderErrorClass.QuotaExhausted,
        // Overloaded: the provider as a whole is busy (Anthropic 529), not our account.
        ["overloaded_error"] = ProviderErrorClass.Overloaded,
        ["rate_limit_error"] = ProviderErrorClass.RateLimited,
        ["rate_limit_exceeded"] = ProviderErrorClass.RateLimited,
        ["RESOURCE_EXHAUSTED"] = ProviderErrorClass.RateLimited,
        ["ThrottlingException"] = ProviderErrorClass.RateLimited,
        ["ModelNotReadyException"] = ProviderErrorClass.Overloaded,
        ["DEADLINE_EXCEEDED"] = ProviderErrorClass.Timeout,
        ["timeout_error"] = ProviderErrorClass.Timeout,
        ["authentication_error"] = ProviderErrorClass.Authentication,
        ["permission_error"] = ProviderErrorClass.Authentication,
        ["invalid_api_key"] = ProviderErrorClass.Authentication,
        ["UNAUTHENTICATED"] = ProviderErrorClass.Authentication,
        ["PERMISSION_DENIED"] = ProviderErrorClass.Authentication,
        ["UnrecognizedClientException"] = ProviderErrorClass.Authentication,
        ["InvalidSignatureException"] = ProviderErrorClass.Authentication,
        ["AccessDeniedException"] = ProviderErrorClass.Authentication,
        ["invalid_request_error"] = ProviderErrorClass.InvalidRequest,
        ["not_found_error"] = ProviderErrorClass.InvalidRequest,
        ["request_too_large"] = ProviderErrorClass.InvalidRequest,
        ["INVALID_ARGUMENT"] = ProviderErrorClass.InvalidRequest,
        ["FAILED_PRECONDITION"] = ProviderErrorClass.InvalidRequest,
        ["NOT_FOUND"] = ProviderErrorClass.InvalidRequest,
        ["ValidationError"] = ProviderErrorClass.InvalidRequest,
        ["ValidationException"] = ProviderErrorClass.InvalidRequest,
        // SageMaker's ModelError (424) is the model container failing: a server-side fault, worth a retry.
        ["ModelError"] = ProviderErrorClass.ServerError,
        ["ServiceUnavailable"] = ProviderErrorClass.ServerError,
        ["InternalFailure"] = ProviderErrorClass.ServerError,
        ["UNAVAILABLE"] = ProviderErrorClass.ServerError,
        ["INTERNAL"] = ProviderErrorClass.ServerError,
        ["api_error"] = ProviderErrorClass.ServerError,
    };

    /// <summary>The error class for a status code and the provider's error words (any of which may be null).</summary>
    public static ProviderErrorClass Classify(int? statusCode, params IEnumerable<string?> errorWords)
    {
        foreach (var word in errorWords)
        {
            if (word is not null && ErrorWords.TryGetValue(word, out var byWord))
            {
                return byWord;
            }
        }
        return statusCode switch
        {
            429 => ProviderErrorClass.RateLimited,
            529 => ProviderErrorClass.Overloaded,
            402 => ProviderErrorClass.QuotaExhausted,
            401 or 403 => ProviderErrorClass.Authentication,
            408 or 504 => ProviderErrorClass.Timeout,
            >= 500 => ProviderErrorClass.ServerError,
            null => ProviderErrorClass.ServerError,
            _ => ProviderErrorClass.InvalidRequest,
        };
    }

    /// <summary>
    /// How long the provider asks us to wait: <c>retry-after-ms</c> (OpenAI, milliseconds) first, then
    /// <c>retry-after</c> as seconds or an HTTP date. Null when the provider gave no hint.
    /// </summary>
    public static TimeSpan? RetryAfter(Func<string, string?> header, DateTimeOffset now)
    {
        if (header("retry-after-ms") is { } ms &&
            double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }
        if (header("retry-after") is not { } value)
        {
            return null;
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        }
        return DateTimeOffset.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }

    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) =>
        RetryAfter(name => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null, now);

    /// <summary>Builds the exception for a failed HTTP call from its status, headers and (possibly empty) body.</summary>
    public static ProviderException FromHttp(
        string provider, int statusCode, Func<string, string?> header, string? body, DateTimeOffset now, Exception? inner = null)
    {
        var detail = ErrorBody.Parse(body);
        var words = new[] { header("x-amzn-ErrorType")?.Split(':')[0], detail.Code, detail.Type, detail.Status };
        var errorClass = Classify(statusCode, words);
        var retryAfter = RetryAfter(header, now) ?? detail.RetryDelay;
        var what = detail.Message ?? (string.IsNullOrWhiteSpace(body) ? "no error body" : Truncate(body));
        return new ProviderException(
            provider, errorClass, $"{provider} answered {statusCode} ({errorClass}): {what}", statusCode, retryAfter, inner);
    }

    public static async Task<ProviderException> FromResponseAsync(
        string provider, HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return FromHttp(provider, (int)response.StatusCode,
            name => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null,
            body, time.GetUtcNow());
    }

    /// <summary>The call did not answer in time (our client timeout, not the caller's cancellation).</summary>
    public static ProviderException Timeout(string provider, Exception inner) =>
        new(provider, ProviderErrorClass.Timeout, $"{provider} did not answer in time.", null, null, inner);

    /// <summary>The connection failed before any status came back: treated as a server-side fault, worth a retry.</summary>
    public static ProviderException Network(string provider, Exception inner) =>
        new(provider, ProviderErrorClass.ServerError, $"Could not reach {provider}: {inner.Message}", null, null, inner);

    /// <summary>Reads a successful answer's JSON body; a read that times out or breaks off becomes a provider failure.</summary>
    public static async Task<JsonDocument> ReadJsonAsync(string provider, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (Exception error) when (error is not ProviderException && FromException(provider, error, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>
    /// Maps what escaped an SDK or HttpClient call: our own exception passes through (possibly wrapped by the SDK),
    /// a timeout becomes <see cref="ProviderErrorClass.Timeout"/>, a transport failure a server error.
    /// Returns null for exceptions that are not provider failures (e.g. the caller's cancellation).
    /// </summary>
    public static ProviderException? FromException(string provider, Exception exception, CancellationToken cancellationToken)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is ProviderException known)
            {
                return known;
            }
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        return exception switch
        {
            OperationCanceledException or TimeoutException => Timeout(provider, exception),
            HttpRequestException or IOException => Network(provider, exception),
            _ => null,
        };
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>The parts of the providers' error bodies we read; every field is optional.</summary>
    internal sealed record ErrorBody(string? Message, string? Type, string? Code, string? Status, TimeSpan? RetryDelay)
    {
        private static readonly ErrorBody Empty = new(null, null, null, null, null);

        public static ErrorBody Parse(string? body)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                return Empty;
            }
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return Empty;
                }
                // OpenAI, Anthropic and Google nest the error under "error"; AWS puts message and __type at the top.
                var error = root.TryGetProperty("error", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : root;
                return new ErrorBody(
                    Text(error, "message") ?? Text(root, "message") ?? Text(root, "Message"),
                    Text(error, "type") ?? Text(root, "__type")?.Split('#')[^1],
                    Text(error, "code"),
                    Text(error, "status"),
                    RetryDelayOf(error));
            }
            catch (JsonException)
            {
                return Empty;
            }
        }

        private static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary>Google's RetryInfo detail: <c>{"@type": "...RetryInfo", "retryDelay": "30s"}</c>.</summary>
        private static TimeSpan? RetryDelayOf(JsonElement error)
        {
            if (!error.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            foreach (var detail in details.EnumerateArray())
            {
                if (detail.ValueKind == JsonValueKind.Object && Text(detail, "retryDelay") is { } delay && delay.EndsWith('s') &&
                    double.TryParse(delay[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    return TimeSpan.FromSeconds(seconds);
                }
            }
            return null;
        }
    }
}
