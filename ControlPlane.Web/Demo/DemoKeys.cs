using ControlPlane.Domain.ApiKeys;
using ControlPlane.Domain.Demo;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Endpoints.Auth;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Demo;

/// <summary>
/// One "Demo traffic" key per demo team, created once and rotated at each start: the generator holds the tokens in
/// memory only, and the keys page shows the same five keys with their last use instead of a new one per restart.
/// </summary>
public sealed class DemoKeys(IDbContextFactory<ControlPlaneDbContext> factory, ApiKeyAuthenticator authenticator, TimeProvider clock)
{
    public const string KeyName = "Demo traffic generator";

    public async Task<Dictionary<string, string>> IssueAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teamSlugs = DemoWorkloads.Teams.Select(t => t.Slug).ToList();
        var teams = await db.Teams.Where(t => teamSlugs.Contains(t.Slug)).ToDictionaryAsync(t => t.Id, t => t.Slug, cancellationToken);
        var keys = await db.ApiKeys.Where(k => k.Name == KeyName && k.RevokedAt == null).ToListAsync(cancellationToken);
        var tokens = new Dictionary<string, string>();
        foreach (var (teamId, slug) in teams)
        {
            if (keys.FirstOrDefault(k => k.TeamId == teamId) is { } existing)
            {
                tokens[slug] = existing.Rotate();
                authenticator.Evict(existing.Lookup);
            }
            else
            {
                var (key, token) = ApiKey.Create(KeyName, teamId, [], clock.GetUtcNow());
                db.ApiKeys.Add(key);
                tokens[slug] = token;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return tokens;
    }
}
