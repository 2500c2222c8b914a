using ControlPlane.Domain;
using ControlPlane.Domain.ApiKeys;
using ControlPlane.Domain.Common;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Endpoints.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Features.Keys;

/// <summary>Creates, lists and revokes API keys, and provisions the bootstrap key from configuration.</summary>
public sealed class ApiKeyService(
    IDbContextFactory<ControlPlaneDbContext> factory,
    ApiKeyAuthenticator authenticator,
    IOptions<ControlPlaneOptions> options,
    TimeProvider clock,
    ILogger<ApiKeyService> logger)
{
    /// <summary>Creates a key; the returned token is the only time the secret exists outside the caller's hands.</summary>
    public async Task<(ApiKey Key, string Token)> CreateAsync(string name, Guid teamId, IReadOnlyCollection<Guid> workloadIds,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (!await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
        {
            throw new DomainException("Choose the team the key belongs to.");
        }
        var foreign = await db.Workloads.Where(w => workloadIds.Contains(w.Id) && w.TeamId != teamId).Select(w => w.Slug).ToListAsync(cancellationToken);
        if (foreign.Count > 0)
        {
            throw new DomainException($"These workloads belong to another team: {string.Join(", ", foreign)}.");
        }
        var (key, token) = ApiKey.Create(name, teamId, workloadIds, clock.GetUtcNow());
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("API key {KeyId} created for team {TeamId}", key.Id, teamId);
        return (key, token);
    }

    public async Task RevokeAsync(Guid keyId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken)
            ?? throw new DomainException("That key no longer exists.");
        key.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        authenticator.Evict(key.Lookup);
        logger.LogInformation("API key {KeyId} revoked", key.Id);
    }

    /// <summary>Idempotent: creates the bootstrap key, or re-hashes it when the configured value changed; removes nothing.</summary>
    public async Task EnsureBootstrapKeyAsync(CancellationToken cancellationToken)
    {
        var token = options.Value.BootstrapApiKey;
        if (string.IsNullOrWhiteSpace(token))
        {
            return;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var existing = await db.ApiKeys.FirstOrDefaultAsync(k => k.Lookup == ApiKey.BootstrapLookup, cancellationToken);
        if (existing is null)
        {
            db.ApiKeys.Add(ApiKey.Bootstrap(token.Trim(), clock.GetUtcNow()));
        }
        else if (!existing.Matches(token.Trim()))
        {
            existing.ReplaceBootstrapSecret(token.Trim());
        }
        else
        {
            return;
        }
        await db.SaveChangesAsync(cancellationToken);
        authenticator.Evict(ApiKey.BootstrapLookup);
        logger.LogInformation("Bootstrap API key provisioned from configuration");
    }
}
