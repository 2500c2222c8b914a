using System.Security.Cryptography;

namespace ControlPlane.Web.Security.FirstStart;

/// <summary>Random passwords that a person can type and that meet the password rules (see SecuritySetup).</summary>
public static class PasswordGenerator
{
    // No 0/O, 1/l/I: the password is read off a console or a screen.
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "23456789";

    /// <summary>Four groups of five characters, e.g. <c>Hq7vd-2KxmP-...</c>: about 110 bits of entropy.</summary>
    public static string Generate()
    {
        while (true)
        {
            var groups = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString(Lower + Upper + Digits, 5));
            var password = string.Join('-', groups);
            if (password.Any(char.IsLower) && password.Any(char.IsUpper) && password.Any(char.IsDigit))
            {
                return password;
            }
        }
    }
}
