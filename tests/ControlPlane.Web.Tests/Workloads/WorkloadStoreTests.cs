using ControlPlane.Domain.Workloads;
using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Features.Workloads.Editor;
using ControlPlane.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Tests.Workloads;

public sealed class WorkloadStoreTests : IAsyncLifetime
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = DemoData.Clock();
    private InMemoryDatabase _database = null!;
    private WorkloadStore _store = null!;
    private readonly ControlPlane.Jobs.Webhooks.WebhookSecrets _secrets =
        new(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await DemoData.SeededDatabaseAsync(_clock, Token);
        _store = new WorkloadStore(_database, _clock, new PlaceholderActor(), _secrets);
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Save_FirstWebhookUrl_GeneratesASecretStoredEncrypted_AndNeverInTheAudit()
    {
        var data = (await _store.LoadAsync("data-enrichment", Token))!;
        var draft = data.Draft.Clone();
        draft.CompletionWebhookUrl = "https://hooks.example.com/done";

        var result = await _store.SaveAsync(data, draft, recommended: null, Token);

        Assert.True(result.Saved, result.Problem ?? string.Join("; ", result.Errors.Values));
        var secret = Assert.IsType<string>(result.NewWebhookSecret);
        await using var db = _database.CreateDbContext();
        var stored = await db.Workloads.AsNoTracking().SingleAsync(w => w.Slug == "data-enrichment", Token);
        Assert.NotNull(stored.ProtectedWebhookSecret);
        Assert.DoesNotContain(secret, stored.ProtectedWebhookSecret, StringComparison.Ordinal);
        Assert.Equal(secret, _secrets.Reveal(stored.ProtectedWebhookSecret));

        var rotated = await _store.RotateWebhookSecretAsync(stored.Id, Token);
        Assert.NotEqual(secret, rotated.NewWebhookSecret);
        var audit = await db.AuditEntries.AsNoTracking().ToListAsync(Token);
        Assert.Contains(audit, e => e.Action == WorkloadStore.WebhookSecretRotated);
        Assert.Contains(audit, e => e.Changes.Any(c => c.Field == "Webhook signing secret" && c.After == "generated"));
        Assert.All(audit, e => Assert.All(e.Changes, c =>
        {
            Assert.DoesNotContain(secret, c.After ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(rotated.NewWebhookSecret!, c.After ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("whsec_", c.Before ?? "", StringComparison.Ordinal);
        }));
    }

    [Fact]
    public async Task Save_EditOfSegment_WritesAuditEntryWithBeforeAfterAndReason()
    {
        var data = (await _store.LoadAsync("data-enrichment", Token))!;
        var draft = data.Draft.Clone();
        draft.Segment = Segment.BatchFriendly;
        draft.CompletionDeadlineHours = 12;
        draft.OverrideReason = "Catalogue tagging can wait overnight.";

        var result = await _store.SaveAsync(data, draft, recommended: Segment.TimeCritical, Token);

        Assert.True(result.Saved, result.Problem ?? string.Join("; ", result.Errors.Values));
        var history = (await _store.LoadAsync("data-enrichment", Token))!.History;
        var entry = Assert.Single(history);
        Assert.Equal(WorkloadChanges.Actions.SegmentChanged, entry.Action);
        Assert.Equal(PlaceholderActor.Anonymous, entry.Actor);
        Assert.Equal(_clock.GetUtcNow(), entry.Time);
        Assert.Equal("Catalogue tagging can wait overnight.", entry.Reason);
        var segment = Assert.Single(entry.Changes, c => c.Field == "Segment");
        Assert.Equal(("Hybrid", "Batch-friendly"), (segment.Before, segment.After));
        Assert.Contains(entry.Changes, c => c.Field == "SLA" && c.After == "done within 12 h");
    }

    [Fact]
    public async Task Save_WhenTheAuditEntryCannotBeWritten_TheEditIsNotStoredEither()
    {
        var data = (await _store.LoadAsync("customer-chatbot", Token))!;
        var draft = data.Draft.Clone();
        draft.MonthlyBudget = 9_999m;
        await using (var setup = _database.CreateDbContext())
        {
            // The audit table refuses every insert, as a full disk or a broken constraint would.
            await setup.Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON AuditEntries BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;", Token);
        }

        await Assert.ThrowsAsync<DbUpdateException>(() => _store.SaveAsync(data, draft, null, Token));

        await using var db = _database.CreateDbContext();
        var stored = await db.Workloads.SingleAsync(w => w.Slug == "customer-chatbot", Token);
        Assert.Equal(1_500m, stored.MonthlyBudget);
        Assert.Empty(await db.AuditEntries.ToListAsync(Token));
    }

    [Fact]
    public async Task Save_NewWorkload_IsCreatedWithACreatedEntryListingItsFields()
    {
        var data = (await _store.LoadAsync(null, Token))!;
        var draft = data.Draft.Clone();
        draft.Name = "Invoice triage";
        draft.Slug = "invoice-triage";
        draft.TeamId = data.Teams[0].Id;
        draft.DailyRequests = 1_000;
        draft.MeanInputTokens = 500;
        draft.MeanOutputTokens = 100;

        var result = await _store.SaveAsync(data, draft, null, Token);

        Assert.True(result.Saved, string.Join("; ", result.Errors.Values));
        var saved = (await _store.LoadAsync("invoice-triage", Token))!;
        var entry = Assert.Single(saved.History);
        Assert.Equal(WorkloadChanges.Actions.Created, entry.Action);
        Assert.Contains(entry.Changes, c => c.Field == "Name" && c.Before is null && c.After == "Invoice triage");
    }

    [Fact]
    public async Task Save_InvalidDraft_StoresNothingAndSaysWhy()
    {
        var data = (await _store.LoadAsync("customer-chatbot", Token))!;
        var draft = data.Draft.Clone();
        draft.AvailabilityPercent = 140;

        var result = await _store.SaveAsync(data, draft, null, Token);

        Assert.False(result.Saved);
        Assert.Contains(nameof(WorkloadDraft.AvailabilityPercent), result.Errors.Keys);
        Assert.Empty((await _store.LoadAsync("customer-chatbot", Token))!.History);
    }

    [Fact]
    public async Task Save_AfterSomeoneElseSaved_IsRefusedInsteadOfOverwriting()
    {
        var first = (await _store.LoadAsync("customer-chatbot", Token))!;
        var second = (await _store.LoadAsync("customer-chatbot", Token))!;
        var mine = first.Draft.Clone();
        mine.MonthlyBudget = 2_000m;
        var theirs = second.Draft.Clone();
        theirs.MonthlyBudget = 3_000m;

        Assert.True((await _store.SaveAsync(first, mine, null, Token)).Saved);
        var late = await _store.SaveAsync(second, theirs, null, Token);

        Assert.False(late.Saved);
        Assert.Contains("Someone else saved", late.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArchiveThenRestore_KeepsTheWorkloadAndAuditsBoth()
    {
        var data = (await _store.LoadAsync("predictive-analytics", Token))!;

        await _store.SetArchivedAsync(data.Id!.Value, archived: true, Token);
        Assert.True((await _store.LoadAsync("predictive-analytics", Token))!.IsArchived);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await _store.SetArchivedAsync(data.Id.Value, archived: false, Token);

        var after = (await _store.LoadAsync("predictive-analytics", Token))!;
        Assert.False(after.IsArchived);
        Assert.Equal([WorkloadChanges.Actions.Restored, WorkloadChanges.Actions.Archived], after.History.Select(h => h.Action));
    }
}
