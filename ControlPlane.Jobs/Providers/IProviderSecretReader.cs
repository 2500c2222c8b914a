namespace ControlPlane.Jobs.Providers;

/// <summary>
/// Turns a connection's stored (protected) secret back into the key an adapter sends. The host implements it with
/// its key ring (ASP.NET Core Data Protection in the Web host); Jobs never sees how the secret is protected.
/// </summary>
public interface IProviderSecretReader
{
    /// <exception cref="System.Security.Cryptography.CryptographicException">The key ring that protected it is gone.</exception>
    string Reveal(string protectedSecret);
}

/// <summary>Told when an admin saved or removed a connection, so the next call uses it without waiting for the refresh.</summary>
public interface IProviderConnectionChanges
{
    void ConnectionChanged(string provider);
}
