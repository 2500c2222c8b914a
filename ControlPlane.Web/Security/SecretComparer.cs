using System.Security.Cryptography;
using System.Text;

namespace ControlPlane.Web.Security;

/// <summary>
/// Compares secrets (API keys, webhook signatures, bootstrap tokens) in constant time, so the time a
/// comparison takes says nothing about how many leading characters were right.
/// </summary>
public static class SecretComparer
{
    public static bool FixedTimeEquals(string? presented, string? expected)
    {
        if (presented is null || expected is null)
        {
            return false;
        }
        // Hash both first: equal-length inputs for FixedTimeEquals, and the length of the secret does not leak either.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    public static bool FixedTimeEquals(ReadOnlySpan<byte> presented, ReadOnlySpan<byte> expected) =>
        CryptographicOperations.FixedTimeEquals(presented, expected);
}
