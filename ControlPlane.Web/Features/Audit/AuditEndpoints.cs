using System.Globalization;
using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Security;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Audit;

/// <summary><c>GET /audit/export.csv</c>: what the audit page shows, as CSV, with the same filters and role.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit/export.csv", ExportAsync).RequireAuthorization(Policies.CanViewAll).WithTags("Audit");
        return app;
    }

    private static async Task ExportAsync(HttpContext context, IDbContextFactory<ControlPlaneDbContext> factory, CancellationToken cancellationToken)
    {
        var query = AuditQuery.FromRequest(context.Request.Query);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var entries = await query.RunAsync(db.AuditEntries, cancellationToken);

        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
        // At most AuditQuery.Limit rows: build the text in memory, then write it asynchronously (Kestrel refuses sync writes).
        await context.Response.WriteAsync(ToCsv(entries), cancellationToken);
    }

    internal static string ToCsv(IReadOnlyList<AuditEntry> entries)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, options: null, leaveOpen: true))
        {
            foreach (var header in (string[])["time_utc", "actor", "action", "entity_type", "entity_id", "changes", "reason"])
            {
                csv.WriteField(header);
            }
            csv.EndRecord();
            foreach (var entry in entries)
            {
                csv.WriteField(entry.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                csv.WriteField(entry.Actor);
                csv.WriteField(entry.Action);
                csv.WriteField(entry.EntityType);
                csv.WriteField(entry.EntityId);
                csv.WriteField(AuditFormat.Changes(entry.Changes));
                csv.WriteField(entry.Reason ?? "");
                csv.EndRecord();
            }
            csv.Flush();
        }
        return text.ToString();
    }
}

public static class AuditFormat
{
    public static string Changes(IReadOnlyList<FieldChange> changes) =>
        string.Join("; ", changes.Select(c => $"{c.Field}: {c.Before ?? "∅"} → {c.After ?? "∅"}"));
}
