using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Jobs.Providers.SageMaker;

/// <summary>
/// AWS Signature Version 4 for one HTTP request (header form), as the AWS General Reference describes it:
/// canonical request → string to sign → signing key derived from the secret, date, region and service → signature.
/// The SageMaker runtime has no client in our package set, so the adapter signs its requests itself; the tests check
/// this class against AWS's published example and against the AWS SDK's own signer.
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Adds x-amz-date, x-amz-content-sha256, the session token if any, and Authorization.</summary>
    public static void Sign(HttpRequestMessage request, byte[] payload, string accessKey, string secretKey, string? sessionToken,
        string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var payloadHash = Hex(SHA256.HashData(payload));
        request.Headers.Remove("x-amz-date");
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.Remove("x-amz-content-sha256");
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        if (!string.IsNullOrEmpty(sessionToken))
        {
            request.Headers.Remove("x-amz-security-token");
            request.Headers.TryAddWithoutValidation("x-amz-security-token", sessionToken);
        }

        var headers = SignableHeaders(request);
        var signedHeaders = string.Join(";", headers.Keys);
        var canonicalRequest = CanonicalRequest(request.Method.Method, request.RequestUri!, headers, signedHeaders, payloadHash);
        var signature = Signature(secretKey, region, service, amzDate, canonicalRequest);
        request.Headers.Authorization = new AuthenticationHeaderValue(Algorithm,
            $"Credential={accessKey}/{amzDate[..8]}/{region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    public static string CanonicalRequest(string method, Uri uri, SortedDictionary<string, string> headers, string signedHeaders, string payloadHash)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n');
        builder.Append(CanonicalUri(uri)).Append('\n');
        builder.Append(CanonicalQuery(uri)).Append('\n');
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
        builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    /// <summary>The hex signature of <paramref name="canonicalRequest"/> made at <paramref name="amzDate"/> (yyyyMMddTHHmmssZ).</summary>
    public static string Signature(string secretKey, string region, string service, string amzDate, string canonicalRequest)
    {
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), amzDate[..8]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Host, content-type and every x-amz* header, lower-cased, values trimmed with inner spaces collapsed.</summary>
    private static SortedDictionary<string, string> SignableHeaders(HttpRequestMessage request)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.RequestUri!.IsDefaultPort ? request.RequestUri.Host : $"{request.RequestUri.Host}:{request.RequestUri.Port}",
        };
        var all = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>());
        foreach (var (name, values) in all)
        {
            var lower = name.ToLowerInvariant();
            if (lower == "content-type" || lower.StartsWith("x-amz", StringComparison.Ordinal))
            {
                headers[lower] = string.Join(",", values.Select(v => string.Join(' ', v.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
            }
        }
        return headers;
    }

    /// <summary>Every path segment URI-encoded (again): for services other than S3 the escaped path is encoded once more.</summary>
    private static string CanonicalUri(Uri uri)
    {
        var path = uri.AbsolutePath;
        return path.Length == 0 ? "/" : string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    private static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return "";
        }
        return string.Join('&', query.Split('&')
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Name: Uri.EscapeDataString(Uri.UnescapeDataString(kv[0])), Value: kv.Length > 1 ? Uri.EscapeDataString(Uri.UnescapeDataString(kv[1])) : ""))
            .OrderBy(kv => kv.Name, StringComparer.Ordinal).ThenBy(kv => kv.Value, StringComparer.Ordinal)
            .Select(kv => $"{kv.Name}={kv.Value}"));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
