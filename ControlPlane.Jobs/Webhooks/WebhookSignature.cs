using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Jobs.Webhooks;

/// <summary>
/// How a receiver checks a completion webhook: HMAC-SHA256 with the workload's secret over
/// "{X-ControlPlane-Timestamp}.{raw body}", sent as "X-ControlPlane-Signature: sha256=&lt;lower-case hex&gt;".
/// Signing the timestamp too lets a receiver refuse old (replayed) deliveries.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-ControlPlane-Signature";
    public const string TimestampHeader = "X-ControlPlane-Timestamp";
    public const string DeliveryHeader = "X-ControlPlane-Delivery";

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>What a receiver does: recompute and compare in constant time, refusing stale timestamps.</summary>
    public static bool Verify(string secret, string timestampHeader, string signatureHeader, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signatureHeader ?? ""));
    }
}
