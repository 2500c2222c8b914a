using System.Globalization;
using ControlPlane.Domain.Audit;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Audit;

/// <summary>
/// The audit page's filters. The same record filters the table and the CSV export, so the file holds exactly
/// what the page shows. Times are UTC; <see cref="To"/> is exclusive.
/// </summary>
public sealed record AuditQuery(string? Actor = null, string? EntityType = null, string? Action = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    /// <summary>The page and the export stop here: the newest entries first.</summary>
    public const int Limit = 500;

    public IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> entries)
    {
        if (!string.IsNullOrWhiteSpace(Actor))
        {
            var actor = Actor.Trim().ToLower(CultureInfo.InvariantCulture);
            entries = entries.Where(e => e.Actor.ToLower().Contains(actor));
        }
        if (!string.IsNullOrWhiteSpace(EntityType))
        {
            entries = entries.Where(e => e.EntityType == EntityType);
        }
        if (!string.IsNullOrWhiteSpace(Action))
        {
            entries = entries.Where(e => e.Action == Action);
        }
        if (From is { } from)
        {
            entries = entries.Where(e => e.Time >= from);
        }
        if (To is { } to)
        {
            entries = entries.Where(e => e.Time < to);
        }
        return entries.OrderByDescending(e => e.Time).Take(Limit);
    }

    public async Task<IReadOnlyList<AuditEntry>> RunAsync(IQueryable<AuditEntry> entries, CancellationToken cancellationToken) =>
        await Apply(entries.AsNoTracking()).ToListAsync(cancellationToken);

    public string ToQueryString()
    {
        var values = new Dictionary<string, string?>
        {
            ["actor"] = Actor,
            ["entityType"] = EntityType,
            ["action"] = Action,
            ["from"] = From?.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = To?.ToString("O", CultureInfo.InvariantCulture),
        };
        return QueryHelpers.AddQueryString("", values.Where(v => !string.IsNullOrWhiteSpace(v.Value)));
    }

    public static AuditQuery FromRequest(IQueryCollection query) => new(
        query["actor"].FirstOrDefault(),
        query["entityType"].FirstOrDefault(),
        query["action"].FirstOrDefault(),
        ParseTime(query["from"].FirstOrDefault()),
        ParseTime(query["to"].FirstOrDefault()));

    private static DateTimeOffset? ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.ToUniversalTime() : null;
}
