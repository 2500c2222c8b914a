using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ControlPlane.Testing.Providers.SageMaker;

/// <summary>
/// The fake's side of SigV4, written from the AWS documentation independently of the adapter's signer: it rebuilds
/// the canonical request from what actually arrived and recomputes the signature with the test's secret.
/// </summary>
public static partial class SigV4Verifier
{
    public static async Task<string?> FailureAsync(HttpContext context, string accessKey, string secretKey, string region, string service)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var match = AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            return $"Authorization header has the wrong shape: '{authorization}'";
        }
        var (credential, signedHeaders, signature) = (match.Groups["credential"].Value, match.Groups["signed"].Value, match.Groups["signature"].Value);
        var amzDate = context.Request.Headers["x-amz-date"].ToString();
        if (credential != $"{accessKey}/{amzDate[..8]}/{region}/{service}/aws4_request")
        {
            return $"Credential scope '{credential}' is not for {accessKey}, {region}, {service} on {amzDate[..8]}";
        }
        context.Request.Body.Position = 0;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        context.Request.Body.Position = 0;
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body.ToArray()));
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var path = rawTarget.Split('?')[0];
        var canonical = new StringBuilder()
            .Append(context.Request.Method).Append('\n')
            .Append(string.Join('/', path.Split('/').Select(Uri.EscapeDataString))).Append('\n')
            .Append('\n'); // no query string on the runtime calls
        foreach (var name in signedHeaders.Split(';'))
        {
            var value = name == "host" ? context.Request.Host.Value : context.Request.Headers[name].ToString();
            canonical.Append(name).Append(':').Append(value!.Trim()).Append('\n');
        }
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);

        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { amzDate[..8], region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return expected == signature ? null : "The request signature we calculated does not match the signature you provided.";
    }

    [GeneratedRegex("^AWS4-HMAC-SHA256 Credential=(?<credential>[^,]+), SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]{64})$")]
    public static partial Regex AuthorizationPattern();

    public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}
