namespace ControlPlane.Web.Security;

/// <summary><c>ControlPlane:Admin</c>: the first admin account, created at start when it does not exist.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "ControlPlane:Admin";

    /// <summary>When empty and no admin exists, <see cref="GeneratedEmail"/> is created with a generated password.</summary>
    public string? Email { get; set; }

    /// <summary>Used only when the account is created; empty means generate one and print it once to the console.</summary>
    public string? Password { get; set; }

    public const string GeneratedEmail = "admin@controlplane.local";
}

/// <summary><c>ControlPlane:Https</c>: behind a TLS-terminating proxy leave it off; on a bare host turn it on.</summary>
public sealed class HttpsOptions
{
    public const string SectionName = "ControlPlane:Https";

    public bool Redirect { get; set; }
}
