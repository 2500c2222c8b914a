using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Users;
using ControlPlane.Web.Demo;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Security.FirstStart;

/// <summary>
/// The demo users' password. Configured (<c>ControlPlane:Demo:Password</c>) it is used as given. Otherwise one
/// is generated at the first start and kept ENCRYPTED with Data Protection (key ring in the data folder) in the
/// StoredSecrets table, because the sign-in page must keep showing it while demo mode is on — a hash could not
/// be shown. With demo mode off this returns nothing, the stored value is deleted and the demo users are locked.
/// </summary>
public sealed class DemoCredentials(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IDataProtectionProvider protection,
    IOptions<DemoOptions> demo,
    TimeProvider clock)
{
    public const string SecretName = "demo-password";

    public static readonly IReadOnlyList<(string Email, string Role, string DisplayName)> Users =
    [
        ("admin@demo.local", Roles.Admin, "Demo Admin"),
        ("techlead@demo.local", Roles.TechLead, "Demo Tech Lead"),
        ("manager@demo.local", Roles.Manager, "Demo Manager"),
        ("operator@demo.local", Roles.Operator, "Demo Operator"),
    ];

    /// <summary>The demo tech lead's teams (demo team slugs), so the demo shows the team rule at work.</summary>
    public static readonly IReadOnlyList<string> TechLeadTeams = ["support", "data-platform"];

    private IDataProtector Protector => protection.CreateProtector("ControlPlane.StoredSecrets.v1");

    public bool Enabled => demo.Value.Enabled;

    /// <summary>The password to show on the sign-in page; null whenever demo mode is off.</summary>
    public async Task<string?> GetPasswordAsync(CancellationToken cancellationToken)
    {
        if (!demo.Value.Enabled)
        {
            return null;
        }
        if (!string.IsNullOrEmpty(demo.Value.Password))
        {
            return demo.Value.Password;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var stored = await db.StoredSecrets.AsNoTracking().SingleOrDefaultAsync(s => s.Name == SecretName, cancellationToken);
        return stored is null ? null : TryUnprotect(stored.ProtectedValue);
    }

    /// <summary>The configured password, else the stored one, else a new one (stored; <c>generated</c> = true).</summary>
    internal async Task<(string Password, bool Generated)> EnsurePasswordAsync(CancellationToken cancellationToken)
    {
        if (await GetPasswordAsync(cancellationToken) is { } existing)
        {
            return (existing, false);
        }
        var password = PasswordGenerator.Generate();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.StoredSecrets.Where(s => s.Name == SecretName).ExecuteDeleteAsync(cancellationToken);
        db.StoredSecrets.Add(new StoredSecret(SecretName, Protector.Protect(password), clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        return (password, true);
    }

    internal async Task ForgetAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.StoredSecrets.Where(s => s.Name == SecretName).ExecuteDeleteAsync(cancellationToken);
    }

    private string? TryUnprotect(string value)
    {
        try
        {
            return Protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The key ring was lost or replaced: a new password will be generated and the demo users reset.
            return null;
        }
    }
}
