using Bunit;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Workloads;
using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Features.Workloads.Editor;
using ControlPlane.Web.Security;
using ControlPlane.Domain.Users;
using ControlPlane.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace ControlPlane.Web.Tests.Workloads;

public sealed class WorkloadEditorPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private InMemoryDatabase _database = null!;

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var clock = DemoData.Clock();
        _database = await DemoData.SeededDatabaseAsync(clock, Token);
        _context.Services.AddMudServices();
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddSingleton<IDbContextFactory<ControlPlaneDbContext>>(_database);
        _context.Services.AddSingleton<TimeProvider>(clock);
        _context.Services.AddSingleton<ICurrentActor, PlaceholderActor>();
        _context.Services.AddScoped<WorkloadStore>();
        _context.Services.AddSingleton(new ControlPlane.Jobs.Webhooks.WebhookSecrets(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()));
        _context.Services.AddSingleton<TeamAccess>();
        _authorization = _context.AddAuthorization();
        SignInAs(Roles.Admin);
        _context.Render<MudPopoverProvider>();
    }

    private Bunit.TestDoubles.BunitAuthorizationContext _authorization = null!;

    private void SignInAs(string role)
    {
        var authorization = _authorization;
        authorization.SetAuthorized($"{role.ToLowerInvariant()}@demo.local");
        authorization.SetRoles(role);
        authorization.SetPolicies(Policies.Grants.Where(g => g.Value.Contains(role)).Select(g => g.Key).ToArray());
    }

    [Fact]
    public void Operator_SeesTheWorkloadReadOnly_WithoutSaveOrArchive()
    {
        SignInAs(Roles.Operator);

        var cut = _context.Render<WorkloadEditorPage>(p => p.Add(x => x.Slug, "customer-chatbot"));

        cut.WaitForElement("#read-only-notice");
        Assert.Empty(cut.FindAll("#save-workload"));
        Assert.Empty(cut.FindAll("#archive-toggle"));
        Assert.Contains("Only an admin, or a tech lead of the workload's team", cut.Find("#read-only-notice").TextContent);
    }

    [Fact]
    public void Operator_IsNotOfferedToRotateTheWebhookSecret()
    {
        SignInAs(Roles.Operator);

        var cut = _context.Render<WorkloadEditorPage>(p => p.Add(x => x.Slug, "customer-chatbot"));

        cut.WaitForElement("#read-only-notice");
        Assert.Empty(cut.FindAll("#rotate-webhook-secret"));
    }

    [Fact]
    public void SettingAWebhookUrl_ShowsTheSigningSecretOnce_ThenRotateShowsANewOne()
    {
        var cut = RenderEditor("customer-chatbot");
        Assert.Empty(cut.FindAll("#webhook-secret"));

        cut.Find("[data-field=CompletionWebhookUrl] input").Change("https://hooks.example.com/done");
        cut.Find("#save-workload").Click();

        var first = cut.WaitForElement("input#webhook-secret-value").GetAttribute("value");
        Assert.StartsWith("whsec_", first);
        cut.Find("#webhook-secret-dismiss").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#webhook-secret")));

        cut.Find("#rotate-webhook-secret").Click();
        var second = cut.WaitForElement("input#webhook-secret-value").GetAttribute("value");
        Assert.StartsWith("whsec_", second);
        Assert.NotEqual(first, second);

        // A fresh visit never shows it again.
        var again = RenderEditor("customer-chatbot");
        Assert.Empty(again.FindAll("#webhook-secret"));
        Assert.DoesNotContain(second!, again.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(first!, again.Markup, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        _database.Dispose();
    }

    private IRenderedComponent<WorkloadEditorPage> RenderEditor(string? slug)
    {
        var cut = _context.Render<WorkloadEditorPage>(p => p.Add(x => x.Slug, slug));
        cut.WaitForElement("#save-workload");
        return cut;
    }

    [Fact]
    public void Availability_Above100_ShowsTheReasonBesideTheField()
    {
        var cut = RenderEditor("customer-chatbot");

        cut.Find("[data-field=AvailabilityPercent] input").Change("150");

        cut.WaitForAssertion(() => Assert.Contains("Availability is a percentage above 0 and at most 100",
            cut.Find("[data-field=AvailabilityPercent]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Save_WithAnInvalidField_StoresNothing()
    {
        var cut = RenderEditor("customer-chatbot");
        cut.Find("[data-field=DailyRequests] input").Change("-20");

        cut.Find("#save-workload").Click();

        cut.WaitForAssertion(() => Assert.Contains("need attention", cut.Find("#validation-summary").TextContent, StringComparison.Ordinal));
        Assert.Contains("cannot be negative", cut.Find("[data-field=DailyRequests]").TextContent, StringComparison.Ordinal);
        await using var db = _database.CreateDbContext();
        Assert.Empty(await db.AuditEntries.ToListAsync(Token));
        Assert.Equal(40_000, (await db.Workloads.SingleAsync(w => w.Slug == "customer-chatbot", Token)).Volume.DailyRequests);
    }

    [Fact]
    public void RecommendationPanel_LowVolumeHybrid_ShowsCostsOverheadAndWhyBatchDoesNotPay()
    {
        // data-enrichment: 30,000 requests/day on gpt-4o-mini is about $216/month in real time; batch saves ~$108,
        // far below the seeded $7,200/month of batch engineering overhead.
        var cut = RenderEditor("data-enrichment");

        Assert.Equal("TimeCritical", cut.Find("#recommended-segment").GetAttribute("data-segment"));
        Assert.Contains("$216", cut.Find("#segment-costs tr[data-segment=TimeCritical]").TextContent, StringComparison.Ordinal);
        Assert.Contains("$108", cut.Find("#segment-costs tr[data-segment=BatchFriendly]").TextContent, StringComparison.Ordinal);
        Assert.Contains("$7,200", cut.Find("#batch-overhead").TextContent, StringComparison.Ordinal);
        Assert.Contains("requests/day", cut.Find("#break-even").TextContent, StringComparison.Ordinal);
        Assert.Contains("fragmentation does not pay", cut.Find("#recommendation-reasons").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyRecommendation_SetsTheSegmentOnlyOnClick()
    {
        var cut = RenderEditor("data-enrichment");
        Assert.Equal(Segment.Hybrid, cut.FindComponent<MudRadioGroup<Segment>>().Instance.Value);

        cut.Find("#apply-recommendation").Click();

        cut.WaitForAssertion(() => Assert.Equal(Segment.TimeCritical, cut.FindComponent<MudRadioGroup<Segment>>().Instance.Value));
        Assert.Empty(cut.FindAll("#apply-recommendation"));
        Assert.Empty(cut.FindAll("[data-field=OverrideReason]"));
    }

    [Fact]
    public async Task ChoosingAnotherSegmentThanRecommended_AsksForAReasonAndStoresIt()
    {
        var cut = RenderEditor("customer-chatbot");
        var group = cut.FindComponent<MudRadioGroup<Segment>>();

        await cut.InvokeAsync(() => group.Instance.ValueChanged.InvokeAsync(Segment.Hybrid));
        cut.Find("[data-field=DefaultDeadlineHours] input").Change("4");
        var batchModel = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Primary batch model");
        await cut.InvokeAsync(() => batchModel.Instance.ValueChanged.InvokeAsync("openai/gpt-4o-mini"));
        cut.Find("#save-workload").Click();

        cut.WaitForAssertion(() => Assert.Contains("say why", cut.Find("[data-field=OverrideReason]").TextContent, StringComparison.Ordinal));
        cut.Find("#override-reason").Change("Night-time traffic can wait for batch.");
        cut.Find("#save-workload").Click();

        await using var db = _database.CreateDbContext();
        cut.WaitForAssertion(() => Assert.Single(db.AuditEntries.AsNoTracking().ToList()));
        var entry = await db.AuditEntries.SingleAsync(Token);
        Assert.Equal(WorkloadChanges.Actions.SegmentChanged, entry.Action);
        Assert.Equal("Night-time traffic can wait for batch.", entry.Reason);
    }

    [Fact]
    public async Task FallbackChain_MoveDownAndSave_StoresTheNewOrder()
    {
        var cut = RenderEditor("customer-chatbot");
        Assert.Equal(["anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash"], FallbackOrder(cut));

        cut.Find(".fallback-item[data-model='anthropic/claude-haiku-4-5'] button[data-action=down]").Click();

        Assert.Equal(["gemini/gemini-2.5-flash", "anthropic/claude-haiku-4-5"], FallbackOrder(cut));
        cut.Find("#save-workload").Click();
        await using var db = _database.CreateDbContext();
        cut.WaitForAssertion(() => Assert.Single(db.AuditEntries.AsNoTracking().ToList()));
        var stored = await db.Workloads.SingleAsync(w => w.Slug == "customer-chatbot", Token);
        Assert.Equal(["gemini/gemini-2.5-flash", "anthropic/claude-haiku-4-5"], stored.FallbackChain.Select(m => m.ToString()));
    }

    [Fact]
    public void FallbackChain_RemoveLastModel_ExplainsWhatHappensWithoutFallbacks()
    {
        var cut = RenderEditor("content-moderation");

        cut.Find(".fallback-item[data-model='anthropic/claude-haiku-4-5'] button[data-action=remove]").Click();

        Assert.Empty(FallbackOrder(cut));
        Assert.Contains("the request fails", cut.Find("#fallback-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSlug_SaysSoInsteadOfAnEmptyForm()
    {
        var cut = _context.Render<WorkloadEditorPage>(p => p.Add(x => x.Slug, "no-such-workload"));

        cut.WaitForAssertion(() => Assert.Contains("no-such-workload", cut.Find("#workload-not-found").TextContent, StringComparison.Ordinal));
    }

    private static List<string?> FallbackOrder(IRenderedComponent<WorkloadEditorPage> cut) =>
        cut.FindAll(".fallback-item").Select(e => e.GetAttribute("data-model")).ToList();
}
