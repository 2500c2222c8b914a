namespace ControlPlane.Domain.Users;

/// <summary>
/// A secret the app must be able to read back (unlike a password hash), stored only in protected form:
/// the web host encrypts it with ASP.NET Core Data Protection before it reaches this row.
/// </summary>
public sealed class StoredSecret
{
    private StoredSecret() { }

    public StoredSecret(string name, string protectedValue, DateTimeOffset updatedAt)
    {
        Name = name;
        ProtectedValue = protectedValue;
        UpdatedAt = updatedAt;
    }

    public string Name { get; private set; } = "";
    public string ProtectedValue { get; private set; } = "";
    public DateTimeOffset UpdatedAt { get; private set; }
}
