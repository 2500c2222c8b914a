using System.Net;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Users;
using ControlPlane.Web.Features.Users;
using ControlPlane.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Web.Tests.Security;

public sealed class UserAdministrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateChangeRolesAndDisable_AreAuditedAndTakeEffectAtSignIn()
    {
        await using var factory = new ControlPlaneFactory();
        await using var scope = factory.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var teams = await admin.TeamsAsync(Ct);

        var created = await admin.CreateAsync("jane@example.com", "Jane", null, new UserAccess([Roles.Operator], []), Ct);
        Assert.True(created.Succeeded);
        var jane = await SignIn.AsAsync(factory, "jane@example.com", created.ShownOncePassword!);
        Assert.Equal(HttpStatusCode.Redirect, (await jane.GetAsync("/audit", Ct)).StatusCode);

        var id = (await admin.ListAsync(Ct)).Single(u => u.Email == "jane@example.com").Id;
        Assert.True((await admin.UpdateAccessAsync(id, new UserAccess([Roles.Manager, Roles.TechLead], [teams[0].Id]), Ct)).Succeeded);
        var janeAgain = await SignIn.AsAsync(factory, "jane@example.com", created.ShownOncePassword!);
        Assert.Equal(HttpStatusCode.OK, (await janeAgain.GetAsync("/audit", Ct)).StatusCode);

        Assert.True((await admin.SetDisabledAsync(id, true, Ct)).Succeeded);
        var refused = await SignIn.PostAsync(SignIn.NewClient(factory), "jane@example.com", created.ShownOncePassword!);
        Assert.Equal("/signin?error=locked", refused.Headers.Location?.OriginalString);

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>().CreateDbContextAsync(Ct);
        var audit = await db.AuditEntries.Where(e => e.EntityId == "jane@example.com").OrderBy(e => e.Time).ToListAsync(Ct);
        Assert.Equal(["UserCreated", "RolesChanged", "UserDisabled"], audit.Select(e => e.Action).Where(a => a != "SignInLockedOut"));
        var roles = audit.Single(e => e.Action == "RolesChanged").Changes.Single(c => c.Field == "Roles");
        Assert.Equal(("Operator", "Manager, TechLead"), (roles.Before, roles.After));
        Assert.Contains(audit.Single(e => e.Action == "RolesChanged").Changes, c => c.Field == "Teams" && c.After == teams[0].Name);
    }

    [Fact]
    public async Task WeakInitialPassword_IsRefusedWithTheRule()
    {
        await using var factory = new ControlPlaneFactory();
        await using var scope = factory.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        var result = await admin.CreateAsync("weak@example.com", null, "short1A", new UserAccess([], []), Ct);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("12", StringComparison.Ordinal));
        Assert.DoesNotContain(await admin.ListAsync(Ct), u => u.Email == "weak@example.com");
    }

    [Fact]
    public async Task TheLastActiveAdmin_CannotBeDemotedOrDisabled()
    {
        await using var factory = new ControlPlaneFactory();
        await using var scope = factory.Services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var onlyAdmin = (await admin.ListAsync(Ct)).Single(u => u.Roles.Contains(Roles.Admin));

        var demoted = await admin.UpdateAccessAsync(onlyAdmin.Id, new UserAccess([Roles.Manager], []), Ct);
        var disabled = await admin.SetDisabledAsync(onlyAdmin.Id, true, Ct);

        Assert.False(demoted.Succeeded);
        Assert.False(disabled.Succeeded);
        Assert.Contains(Roles.Admin, (await admin.ListAsync(Ct)).Single(u => u.Id == onlyAdmin.Id).Roles);
    }

    [Fact]
    public async Task AuditExport_IsTheFilteredTableAsCsv()
    {
        await using var factory = new ControlPlaneFactory();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            await admin.CreateAsync("csv@example.com", null, null, new UserAccess([Roles.Operator], []), Ct);
        }
        var manager = await SignIn.AsAsync(factory, "manager@demo.local");

        var csv = await manager.GetStringAsync("/audit/export.csv?action=UserCreated&actor=system", Ct);

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("time_utc,actor,action,entity_type,entity_id,changes,reason", lines[0]);
        Assert.Contains(lines, l => l.Contains("csv@example.com", StringComparison.Ordinal) && l.Contains("→ Operator", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.Contains(",UserCreated,", l));
        Assert.Equal(5, lines.Length - 1); // four demo users and csv@example.com, all created by "system…"
    }
}
