using Microsoft.AspNetCore.Identity;

namespace ControlPlane.Domain.Users;

/// <summary>A person who signs in to the browser UI. Applications use API keys instead.</summary>
public sealed class ControlPlaneUser : IdentityUser
{
    public ControlPlaneUser() { }

    public ControlPlaneUser(string email, string? displayName, DateTimeOffset createdAt)
    {
        UserName = email;
        Email = email;
        EmailConfirmed = true;
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        CreatedAt = createdAt;
    }

    /// <summary>What the app bar and the audit log show; the email when empty.</summary>
    public string? DisplayName { get; set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>A demo account (created only while demo mode is on; locked when demo mode is turned off).</summary>
    public bool IsDemo { get; set; }

    /// <summary>
    /// Disabling is Identity's lockout until the year 9999, so sign-in is refused. Not DateTimeOffset.MaxValue:
    /// the database keeps times to 0.1 ms, so MaxValue would not read back equal.
    /// </summary>
    public static readonly DateTimeOffset DisabledUntil = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public bool IsDisabled => LockoutEnd >= DisabledUntil;

    public string Name => DisplayName ?? Email ?? UserName ?? Id;
}
