using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace ControlPlane.Jobs.Webhooks;

/// <summary>
/// Per-workload signing secrets: generated here, stored only protected by the Data Protection key ring, revealed
/// only to sign a delivery. The plain secret is returned once, to be shown once; nothing here logs it.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    public const string Purpose = "ControlPlane.WebhookSecrets";

    private IDataProtector Protector => protection.CreateProtector(Purpose);

    /// <summary>A new random secret and its protected form to store.</summary>
    public (string Secret, string Protected) Generate()
    {
        var secret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return (secret, Protector.Protect(secret));
    }

    /// <exception cref="CryptographicException">The key ring that protected it is gone.</exception>
    public string Reveal(string protectedSecret) => Protector.Unprotect(protectedSecret);
}
