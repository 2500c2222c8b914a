using System.Text.RegularExpressions;

namespace ControlPlane.Domain.Common;

/// <summary>URL-safe identifiers people bookmark: lowercase letters, digits and single hyphens.</summary>
public static partial class Slug
{
    public const int MaxLength = 64;

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && Pattern().IsMatch(value);

    public static string From(string text)
    {
        var lowered = NonSlug().Replace(text.Trim().ToLowerInvariant(), "-").Trim('-');
        return lowered.Length > MaxLength ? lowered[..MaxLength].TrimEnd('-') : lowered;
    }

    public static string Ensure(string value) =>
        IsValid(value) ? value : throw new DomainException($"'{value}' is not a valid slug: use lowercase letters, digits and hyphens.");

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Pattern();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
