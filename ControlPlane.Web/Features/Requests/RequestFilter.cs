using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Requests;

/// <summary>The explorer's filters; null means "any".</summary>
public sealed class RequestFilter
{
    public RequestMode? Mode { get; set; }
    public RequestStatus? Status { get; set; }
    public Guid? WorkloadId { get; set; }
    public Guid? TeamId { get; set; }
    public string? Provider { get; set; }
    public DateTime? From { get; set; }
    public DateTime? To { get; set; }
}

public sealed record RequestListRow(Guid Id, DateTimeOffset ReceivedAt, string Workload, string Team, RequestMode? Mode,
    RequestStatus Status, string? Provider, string? Model, decimal Cost, double? LatencyMs, int Attempts);

/// <summary>Server-side paging over all requests, newest first, filtered in SQL.</summary>
public static class RequestListQuery
{
    public static async Task<(List<RequestListRow> Rows, int Total)> PageAsync(IDbContextFactory<ControlPlaneDbContext> factory,
        RequestFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Requests.AsNoTracking();
        if (filter.Mode is { } mode) query = query.Where(r => r.Mode == mode);
        if (filter.Status is { } status) query = query.Where(r => r.Status == status);
        if (filter.WorkloadId is { } workload) query = query.Where(r => r.WorkloadId == workload);
        if (filter.TeamId is { } team) query = query.Where(r => r.TeamId == team);
        if (!string.IsNullOrEmpty(filter.Provider)) query = query.Where(r => r.Provider == filter.Provider);
        if (filter.From is { } from)
        {
            var start = new DateTimeOffset(DateTime.SpecifyKind(from.Date, DateTimeKind.Utc));
            query = query.Where(r => r.ReceivedAt >= start);
        }
        if (filter.To is { } to)
        {
            var end = new DateTimeOffset(DateTime.SpecifyKind(to.Date.AddDays(1), DateTimeKind.Utc));
            query = query.Where(r => r.ReceivedAt < end);
        }
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(r => r.ReceivedAt).Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var workloads = await db.Workloads.ToDictionaryAsync(w => w.Id, w => w.Slug, cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var rows = items.Select(r => new RequestListRow(r.Id, r.ReceivedAt, workloads.GetValueOrDefault(r.WorkloadId, "?"),
            teams.GetValueOrDefault(r.TeamId, "?"), r.Mode, r.Status, r.Provider, r.Model, r.Cost, r.Turnaround?.TotalMilliseconds, r.Attempts)).ToList();
        return (rows, total);
    }
}
