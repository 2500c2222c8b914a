using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Workloads;
using ControlPlane.Jobs.Webhooks;
using ControlPlane.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Workloads.Editor;

/// <summary>
/// Loads and saves workloads for the editor. Every change is written with its audit entry in one SaveChanges,
/// so a change is never stored without its record (nor a record without its change).
/// </summary>
public sealed class WorkloadStore(IDbContextFactory<ControlPlaneDbContext> factory, TimeProvider clock, ICurrentActor actor, WebhookSecrets secrets)
{
    /// <summary>The editor's data for <paramref name="slug"/>, a blank draft when null, or null when no such workload exists.</summary>
    public async Task<WorkloadEditorData?> LoadAsync(string? slug, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamOption(t.Id, t.Name)).ToListAsync(cancellationToken);
        var prices = new PriceCatalog(await db.Prices.AsNoTracking().ToListAsync(cancellationToken)).Current(today).ToList();
        var tco = await db.TcoSettings.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        var overhead = tco?.MonthlyOverhead(RequestMode.Batch) ?? 0m;

        Workload? workload = null;
        if (slug is not null)
        {
            workload = await db.Workloads.AsNoTracking().FirstOrDefaultAsync(w => w.Slug == slug, cancellationToken);
            if (workload is null)
            {
                return null;
            }
        }
        var taken = await TakenSlugsAsync(db, workload?.Id, cancellationToken);
        var draft = workload is null ? NewDraft(prices) : WorkloadDraft.From(workload);
        var version = workload is null ? 0 : await VersionOfAsync(db, workload.Id, cancellationToken);
        var history = workload is null ? [] : await HistoryAsync(db, workload.Id, cancellationToken);
        return new WorkloadEditorData(draft, workload?.Id, version, workload?.IsArchived ?? false, teams, prices, today, overhead, taken, history);
    }

    /// <summary>Creates (when <paramref name="data"/> is new) or updates the workload from a draft, with its audit entry.</summary>
    public async Task<WorkloadSaveResult> SaveAsync(WorkloadEditorData data, WorkloadDraft draft, Segment? recommended,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var taken = await TakenSlugsAsync(db, data.Id, cancellationToken);
        var context = new WorkloadValidationContext(data.CurrentPrices, teams.Keys.ToList(), taken, recommended);
        var errors = WorkloadValidator.Validate(draft, context);
        if (errors.Count > 0)
        {
            return WorkloadSaveResult.Invalid(errors);
        }

        var now = clock.GetUtcNow();
        string TeamName(Guid id) => teams.GetValueOrDefault(id, id.ToString());
        var reason = recommended is { } r && r != draft.Segment ? draft.OverrideReason?.Trim() : null;
        Workload workload;
        AuditEntry entry;
        string? secret;
        if (data.Id is not { } id)
        {
            workload = draft.CreateWorkload(now);
            db.Workloads.Add(workload);
            secret = EnsureWebhookSecret(workload);
            entry = Audit(now, WorkloadChanges.Actions.Created, workload,
                WithSecret(WorkloadChanges.Between(null, WorkloadChanges.Snapshot(workload, TeamName)), secret), reason);
        }
        else
        {
            workload = await db.Workloads.FirstOrDefaultAsync(w => w.Id == id, cancellationToken)
                ?? throw new InvalidOperationException("The workload was not found.");
            // Optimistic concurrency: the update only applies if nobody saved since the editor loaded.
            db.Entry(workload).Property<long>(ControlPlaneDbContext.VersionProperty).OriginalValue = data.Version;
            var before = WorkloadChanges.Snapshot(workload, TeamName);
            var segmentBefore = workload.Segment;
            draft.Slug = workload.Slug;
            draft.ApplyTo(workload, now);
            var changes = WorkloadChanges.Between(before, WorkloadChanges.Snapshot(workload, TeamName));
            if (changes.Count == 0)
            {
                return WorkloadSaveResult.Refused("Nothing changed, so nothing was saved.");
            }
            var action = segmentBefore != workload.Segment ? WorkloadChanges.Actions.SegmentChanged : WorkloadChanges.Actions.Edited;
            secret = EnsureWebhookSecret(workload);
            entry = Audit(now, action, workload, WithSecret(changes, secret), reason);
        }
        db.AuditEntries.Add(entry);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return WorkloadSaveResult.Refused("Someone else saved this workload while you were editing. Reload to see their changes, then edit again.");
        }
        catch (DbUpdateException) when (data.IsNew)
        {
            // Another editor may have taken the slug between our check and the insert; anything else is a real fault.
            await using var check = await factory.CreateDbContextAsync(cancellationToken);
            if (!await check.Workloads.AnyAsync(w => w.Slug == draft.Slug, cancellationToken))
            {
                throw;
            }
            return WorkloadSaveResult.Invalid(new Dictionary<string, string> { [nameof(draft.Slug)] = $"Another workload already uses the slug '{draft.Slug}'." });
        }
        return WorkloadSaveResult.Ok(workload.Slug) with { NewWebhookSecret = secret };
    }

    /// <summary>
    /// Replaces the workload's webhook signing secret; the new one is returned to be shown once. Deliveries sent from
    /// now on are signed with it. The audit entry records that it was rotated, never the secret.
    /// </summary>
    public async Task<WorkloadSaveResult> RotateWebhookSecretAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var workload = await db.Workloads.FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
        if (workload is null)
        {
            return WorkloadSaveResult.Refused("The workload no longer exists.");
        }
        if (workload.CompletionWebhookUrl is null)
        {
            return WorkloadSaveResult.Refused("Set a completion webhook URL first; a secret is generated with it.");
        }
        var (secret, protectedSecret) = secrets.Generate();
        var hadSecret = workload.ProtectedWebhookSecret is not null;
        workload.ProtectedWebhookSecret = protectedSecret;
        var change = new FieldChange(WebhookSecretField, hadSecret ? "set" : "none", "rotated");
        db.AuditEntries.Add(Audit(clock.GetUtcNow(), WebhookSecretRotated, workload, [change], null));
        await db.SaveChangesAsync(cancellationToken);
        return WorkloadSaveResult.Ok(workload.Slug) with { NewWebhookSecret = secret };
    }

    public const string WebhookSecretRotated = "Webhook secret rotated";
    private const string WebhookSecretField = "Webhook signing secret";

    /// <summary>A workload gets its signing secret when its webhook URL is first set; the plain secret, or null.</summary>
    private string? EnsureWebhookSecret(Workload workload)
    {
        if (workload.CompletionWebhookUrl is null || workload.ProtectedWebhookSecret is not null)
        {
            return null;
        }
        var (secret, protectedSecret) = secrets.Generate();
        workload.ProtectedWebhookSecret = protectedSecret;
        return secret;
    }

    private static IReadOnlyList<FieldChange> WithSecret(IReadOnlyList<FieldChange> changes, string? secret) =>
        secret is null ? changes : [.. changes, new FieldChange(WebhookSecretField, "none", "generated")];

    /// <summary>Archives or restores; workloads are never deleted, since requests and spend refer to them.</summary>
    public async Task<WorkloadSaveResult> SetArchivedAsync(Guid id, bool archived, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var workload = await db.Workloads.FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
        if (workload is null)
        {
            return WorkloadSaveResult.Refused("The workload no longer exists.");
        }
        if (workload.IsArchived == archived)
        {
            return WorkloadSaveResult.Ok(workload.Slug);
        }
        var now = clock.GetUtcNow();
        if (archived)
        {
            workload.Archive(now);
        }
        else
        {
            workload.Restore(now);
        }
        var change = new FieldChange("Archived", archived ? "no" : "yes", archived ? "yes" : "no");
        db.AuditEntries.Add(Audit(now, archived ? WorkloadChanges.Actions.Archived : WorkloadChanges.Actions.Restored, workload, [change], null));
        await db.SaveChangesAsync(cancellationToken);
        return WorkloadSaveResult.Ok(workload.Slug);
    }

    private AuditEntry Audit(DateTimeOffset now, string action, Workload workload, IReadOnlyList<FieldChange> changes, string? reason) =>
        AuditEntry.Create(now, actor.Name, action, WorkloadChanges.EntityType, workload.Id.ToString(), changes,
            string.IsNullOrWhiteSpace(reason) ? null : reason);

    private static async Task<List<AuditEntry>> HistoryAsync(ControlPlaneDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var key = id.ToString();
        return await db.AuditEntries.AsNoTracking()
            .Where(e => e.EntityType == WorkloadChanges.EntityType && e.EntityId == key)
            .OrderByDescending(e => e.Time)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Slugs other workloads hold, plus "new", which is the editor's own address.</summary>
    private static async Task<HashSet<string>> TakenSlugsAsync(ControlPlaneDbContext db, Guid? except, CancellationToken cancellationToken)
    {
        var slugs = await db.Workloads.Where(w => w.Id != except).Select(w => w.Slug).ToListAsync(cancellationToken);
        return [.. slugs, "new"];
    }

    private static Task<long> VersionOfAsync(ControlPlaneDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Workloads.Where(w => w.Id == id).Select(w => EF.Property<long>(w, ControlPlaneDbContext.VersionProperty)).FirstAsync(cancellationToken);

    /// <summary>A new workload starts time-critical on the cheapest priced real-time model, with no traffic estimate yet.</summary>
    private static WorkloadDraft NewDraft(IReadOnlyList<PriceCatalogEntry> prices) => new()
    {
        RealtimeModel = prices.Where(p => ModelChoices.Supports(p, RequestMode.Realtime))
            .OrderBy(p => p.InputPerMillion + p.OutputPerMillion).ThenBy(p => p.Provider, StringComparer.Ordinal)
            .FirstOrDefault()?.ModelRef.ToString(),
    };
}
