using System.Security.Cryptography;
using System.Text;
using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.ApiKeys;

/// <summary>
/// An application's credential for the API. The secret is shown once at creation; only its SHA-256 hash is stored.
/// A token reads <c>cp_&lt;lookup&gt;_&lt;secret&gt;</c>: the lookup part finds the row, the hash of the whole token proves it.
/// </summary>
public sealed class ApiKey
{
    public const string TokenPrefix = "cp_";

    /// <summary>The lookup id of the bootstrap key, whose token is whatever the operator configured.</summary>
    public const string BootstrapLookup = "bootstrap";

    private List<Guid> _workloadIds = [];

    private ApiKey() { }

    private ApiKey(string name, Guid? teamId, IEnumerable<Guid> workloadIds, string lookup, byte[] hash, DateTimeOffset createdAt)
    {
        Name = string.IsNullOrWhiteSpace(name) ? throw new DomainException("A key needs a name.") : name.Trim();
        Id = Guid.CreateVersion7(createdAt);
        TeamId = teamId;
        _workloadIds = [.. workloadIds.Distinct()];
        Lookup = lookup;
        SecretHash = hash;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>The owning team; null only for the bootstrap key, which may act for every team.</summary>
    public Guid? TeamId { get; private set; }

    /// <summary>When not empty, the key may only send requests to these workloads of its team.</summary>
    public IReadOnlyList<Guid> WorkloadIds => _workloadIds;

    public string Lookup { get; private set; } = "";
    public byte[] SecretHash { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }

    public bool IsRevoked => RevokedAt is not null;
    public bool IsAllTeams => TeamId is null;

    /// <summary>The first characters of the token, safe to show: enough to recognise a key, useless to use it.</summary>
    public string DisplayPrefix => Lookup == BootstrapLookup ? "(bootstrap key)" : $"{TokenPrefix}{Lookup}_…";

    /// <summary>Creates a key for a team and returns the token to show once.</summary>
    public static (ApiKey Key, string Token) Create(string name, Guid teamId, IEnumerable<Guid> workloadIds, DateTimeOffset now)
    {
        var lookup = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = $"{TokenPrefix}{lookup}_{secret}";
        return (new ApiKey(name, teamId, workloadIds, lookup, Hash(token), now), token);
    }

    /// <summary>The key configured by <c>ControlPlane:BootstrapApiKey</c>: every team, stored hashed like any other.</summary>
    public static ApiKey Bootstrap(string token, DateTimeOffset now)
    {
        if (token.Length < 16)
        {
            throw new DomainException("The bootstrap API key must be at least 16 characters long.");
        }
        if (token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            throw new DomainException($"The bootstrap API key must not start with '{TokenPrefix}': that prefix marks generated keys.");
        }
        return new ApiKey("Bootstrap key (configuration)", null, [], BootstrapLookup, Hash(token), now);
    }

    /// <summary>The lookup id a presented token claims; tokens not in our format can only be the bootstrap key.</summary>
    public static string LookupOf(string token)
    {
        if (token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            var end = token.IndexOf('_', TokenPrefix.Length);
            if (end > TokenPrefix.Length)
            {
                return token[TokenPrefix.Length..end];
            }
        }
        return BootstrapLookup;
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Constant-time: the comparison takes as long whether the first or the last byte differs.</summary>
    public bool Matches(string token) => CryptographicOperations.FixedTimeEquals(Hash(token), SecretHash);

    public bool AllowsTeam(Guid teamId) => TeamId is null || TeamId == teamId;

    public bool AllowsWorkload(Guid teamId, Guid workloadId) =>
        AllowsTeam(teamId) && (_workloadIds.Count == 0 || _workloadIds.Contains(workloadId));

    /// <summary>Re-hashes the bootstrap key when the configured value changed.</summary>
    public void ReplaceBootstrapSecret(string token)
    {
        if (Lookup != BootstrapLookup)
        {
            throw new DomainException("Only the bootstrap key takes its secret from configuration.");
        }
        SecretHash = Hash(token);
        RevokedAt = null;
    }

    /// <summary>Replaces a generated key's secret (same lookup id) and returns the new token to hand out once.</summary>
    public string Rotate()
    {
        if (Lookup == BootstrapLookup)
        {
            throw new DomainException("The bootstrap key takes its secret from configuration.");
        }
        var token = $"{TokenPrefix}{Lookup}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        SecretHash = Hash(token);
        return token;
    }

    public void Revoke(DateTimeOffset at) => RevokedAt ??= at;

    public void MarkUsed(DateTimeOffset at) => LastUsedAt = at;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
