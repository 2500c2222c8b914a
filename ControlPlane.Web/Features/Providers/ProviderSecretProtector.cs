using ControlPlane.Jobs.Providers;
using Microsoft.AspNetCore.DataProtection;

namespace ControlPlane.Web.Features.Providers;

/// <summary>
/// Protects provider secrets with the application's Data Protection key ring (persisted in the data folder), under a
/// purpose of their own so no other protected payload of the app can be unprotected as a provider secret or vice versa.
/// </summary>
public sealed class ProviderSecretProtector(IDataProtectionProvider protection) : IProviderSecretReader
{
    public const string Purpose = "ControlPlane.ProviderSecrets.v1";

    private IDataProtector Protector => protection.CreateProtector(Purpose);

    public string Protect(string secret) => Protector.Protect(secret);

    public string Reveal(string protectedSecret) => Protector.Unprotect(protectedSecret);
}
