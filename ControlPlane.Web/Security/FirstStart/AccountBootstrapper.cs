using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Security.FirstStart;

/// <summary>
/// At every start: the four roles exist; demo users exist with the shown password while demo mode is on and
/// are locked when it is off; and at least one usable admin exists — from <c>ControlPlane:Admin</c>, or
/// generated with a password printed once to the console. Passwords are stored only as Identity hashes.
/// </summary>
public sealed class AccountBootstrapper(
    UserManager<ControlPlaneUser> users,
    RoleManager<IdentityRole> roles,
    IDbContextFactory<ControlPlaneDbContext> factory,
    DemoCredentials demo,
    IOptions<AdminOptions> admin,
    IConsoleNotice console,
    TimeProvider clock,
    ILogger<AccountBootstrapper> logger)
{
    public const string Actor = "system (first start)";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var role in Roles.All.Where(r => !roles.Roles.Any(x => x.Name == r)).ToList())
        {
            Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
        }
        if (demo.Enabled)
        {
            await EnsureDemoUsersAsync(cancellationToken);
        }
        else
        {
            await LockDemoUsersAsync(cancellationToken);
        }
        await EnsureAdminAsync(cancellationToken);
    }

    private async Task EnsureDemoUsersAsync(CancellationToken cancellationToken)
    {
        var (password, generated) = await demo.EnsurePasswordAsync(cancellationToken);
        foreach (var (email, role, name) in DemoCredentials.Users)
        {
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new ControlPlaneUser(email, name, clock.GetUtcNow()) { IsDemo = true };
                Check(await users.CreateAsync(user, password), $"create demo user {email}");
                Check(await users.AddToRoleAsync(user, role), $"give {email} the role {role}");
                await AuditAsync("UserCreated", user, $"Demo user with the role {role}.", cancellationToken);
            }
            else if (!await users.CheckPasswordAsync(user, password))
            {
                // The password changed (configuration, or a lost key ring): the sign-in page must stay truthful.
                Check(await users.RemovePasswordAsync(user), $"reset {email}");
                Check(await users.AddPasswordAsync(user, password), $"reset {email}");
            }
            if (user.LockoutEnd is not null)
            {
                await users.SetLockoutEndDateAsync(user, null);
                await users.ResetAccessFailedCountAsync(user);
            }
        }
        await LinkTechLeadToDemoTeamsAsync(cancellationToken);
        if (generated)
        {
            console.Show($"Demo mode: the demo users ({string.Join(", ", DemoCredentials.Users.Select(u => u.Email))}) " +
                $"have the generated password  {password}  — it is also shown on the sign-in page while demo mode is on.");
        }
        logger.LogInformation("Demo users ready: {Users}; the sign-in page shows their password while demo mode is on",
            string.Join(", ", DemoCredentials.Users.Select(u => u.Email)));
    }

    private async Task LinkTechLeadToDemoTeamsAsync(CancellationToken cancellationToken)
    {
        var techLead = await users.FindByEmailAsync(DemoCredentials.Users.Single(u => u.Role == Roles.TechLead).Email);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teamIds = await db.Teams.Where(t => DemoCredentials.TechLeadTeams.Contains(t.Slug)).Select(t => t.Id).ToListAsync(cancellationToken);
        var linked = await db.UserTeams.Where(m => m.UserId == techLead!.Id).Select(m => m.TeamId).ToListAsync(cancellationToken);
        db.UserTeams.AddRange(teamIds.Except(linked).Select(id => new UserTeam(techLead!.Id, id)));
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task LockDemoUsersAsync(CancellationToken cancellationToken)
    {
        await demo.ForgetAsync(cancellationToken);
        var demoUsers = await users.Users.Where(u => u.IsDemo).ToListAsync(cancellationToken);
        foreach (var user in demoUsers.Where(u => !u.IsDisabled))
        {
            // Demo passwords are public: with demo mode off they must open nothing.
            await users.SetLockoutEnabledAsync(user, true);
            await users.SetLockoutEndDateAsync(user, ControlPlaneUser.DisabledUntil);
            await users.UpdateSecurityStampAsync(user);
            await AuditAsync("UserDisabled", user, "Demo mode is off.", cancellationToken);
            logger.LogWarning("Demo mode is off: demo user {Email} is locked", user.Email);
        }
    }

    private async Task EnsureAdminAsync(CancellationToken cancellationToken)
    {
        var configured = admin.Value.Email?.Trim();
        if (string.IsNullOrEmpty(configured))
        {
            var admins = await users.GetUsersInRoleAsync(Roles.Admin);
            if (admins.Any(a => !a.IsDisabled))
            {
                return;
            }
        }
        var email = string.IsNullOrEmpty(configured) ? AdminOptions.GeneratedEmail : configured;
        var user = await users.FindByEmailAsync(email);
        if (user is not null)
        {
            if (!await users.IsInRoleAsync(user, Roles.Admin))
            {
                Check(await users.AddToRoleAsync(user, Roles.Admin), $"make {email} an admin");
                await AuditAsync("RolesChanged", user, "Admin from configuration (ControlPlane:Admin:Email).", cancellationToken);
            }
            return;
        }

        var generated = string.IsNullOrEmpty(admin.Value.Password);
        var password = generated ? PasswordGenerator.Generate() : admin.Value.Password!;
        user = new ControlPlaneUser(email, "Administrator", clock.GetUtcNow());
        Check(await users.CreateAsync(user, password), $"create the admin {email} (check ControlPlane:Admin:Password against the password rules)");
        Check(await users.AddToRoleAsync(user, Roles.Admin), $"make {email} an admin");
        await AuditAsync("UserCreated", user, "First admin account, with the role Admin.", cancellationToken);
        if (generated)
        {
            console.Show($"FIRST START: created the admin account  {email}  with the generated password  {password}{Environment.NewLine}" +
                "It is shown only this once and stored only as a hash. Sign in at /signin and create named accounts on /users.");
            logger.LogWarning("Created the admin account {Email}; its generated password was printed once to the console (not to the log)", email);
        }
        else
        {
            logger.LogInformation("Created the admin account {Email} from configuration", email);
        }
    }

    private async Task AuditAsync(string action, ControlPlaneUser user, string reason, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(AuditEntry.Create(clock.GetUtcNow(), Actor, action, "User", user.Email ?? user.Id, reason: reason));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
