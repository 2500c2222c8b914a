using ControlPlane.Domain.Audit;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Users;
using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Security.FirstStart;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Features.Users;

public sealed record UserRow(string Id, string Email, string? DisplayName, IReadOnlyList<string> Roles,
    IReadOnlyList<Guid> TeamIds, bool IsDisabled, bool IsLockedOut, bool IsDemo);

/// <summary>What the user dialog hands back to the page.</summary>
public sealed record UserSaved(string Email, UserCommandResult Result);

public sealed record TeamOption(Guid Id, string Name);

public sealed record UserAccess(IReadOnlyList<string> Roles, IReadOnlyList<Guid> TeamIds);

/// <summary>What a command did; <see cref="ShownOncePassword"/> is a generated password the admin sees exactly once.</summary>
public sealed record UserCommandResult(IReadOnlyList<string> Errors, string? ShownOncePassword = null)
{
    public bool Succeeded => Errors.Count == 0;

    public static UserCommandResult Fail(params string[] errors) => new(errors);
}

/// <summary>
/// The Users page's commands. Each runs in its own DI scope (a Blazor circuit outlives a scoped UserManager and
/// its DbContext), and each change is audited with the acting admin's name and the before → after.
/// </summary>
public sealed class UserAdministration(
    IServiceScopeFactory scopes,
    IDbContextFactory<ControlPlaneDbContext> factory,
    ICurrentActor actor,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var teams = await db.UserTeams.AsNoTracking().ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return users.Select(u => new UserRow(u.Id, u.Email ?? u.UserName ?? u.Id, u.DisplayName,
                roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order().ToList(),
                teams.Where(t => t.UserId == u.Id).Select(t => t.TeamId).ToList(),
                u.IsDisabled, !u.IsDisabled && u.LockoutEnd > now, u.IsDemo))
            .ToList();
    }

    public async Task<IReadOnlyList<TeamOption>> TeamsAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new TeamOption(t.Id, t.Name)).ToListAsync(cancellationToken);
    }

    public async Task<UserCommandResult> CreateAsync(string email, string? displayName, string? password, UserAccess access, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ControlPlaneUser>>();
        email = email.Trim();
        var generated = string.IsNullOrEmpty(password);
        var initial = generated ? PasswordGenerator.Generate() : password!;
        var user = new ControlPlaneUser(email, displayName, clock.GetUtcNow());
        var created = await users.CreateAsync(user, initial);
        if (!created.Succeeded)
        {
            return new UserCommandResult(created.Errors.Select(e => e.Description).ToList());
        }
        await users.AddToRolesAsync(user, access.Roles);
        await SetTeamsAsync(user.Id, access.TeamIds, cancellationToken);
        await AuditAsync("UserCreated", email, new ChangeSet()
            .Compare("Roles", "", string.Join(", ", access.Roles.Order()))
            .Compare("Teams", "", await TeamNamesAsync(access.TeamIds, cancellationToken)).Changes, cancellationToken);
        return new UserCommandResult([], generated ? initial : null);
    }

    public async Task<UserCommandResult> UpdateAccessAsync(string userId, UserAccess access, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ControlPlaneUser>>();
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserCommandResult.Fail("This user no longer exists.");
        }
        var before = (await users.GetRolesAsync(user)).Order().ToList();
        if (before.Contains(Roles.Admin) && !access.Roles.Contains(Roles.Admin) && await IsLastActiveAdminAsync(users, user))
        {
            return UserCommandResult.Fail("This is the last active admin: give another user the Admin role first.");
        }
        await users.RemoveFromRolesAsync(user, before.Except(access.Roles));
        await users.AddToRolesAsync(user, access.Roles.Except(before));
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teamsBefore = await db.UserTeams.Where(m => m.UserId == userId).Select(m => m.TeamId).ToListAsync(cancellationToken);
        await SetTeamsAsync(userId, access.TeamIds, cancellationToken);
        // Open sessions pick up the new roles at the next security stamp check (about a minute).
        await users.UpdateSecurityStampAsync(user);
        var changes = new ChangeSet()
            .Compare("Roles", string.Join(", ", before), string.Join(", ", access.Roles.Order()))
            .Compare("Teams", await TeamNamesAsync(teamsBefore, cancellationToken), await TeamNamesAsync(access.TeamIds, cancellationToken))
            .Changes;
        if (changes.Count > 0)
        {
            await AuditAsync("RolesChanged", user.Email!, changes, cancellationToken);
        }
        return new UserCommandResult([]);
    }

    public async Task<UserCommandResult> SetDisabledAsync(string userId, bool disabled, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ControlPlaneUser>>();
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserCommandResult.Fail("This user no longer exists.");
        }
        if (disabled && string.Equals(user.Email, actor.Name, StringComparison.OrdinalIgnoreCase))
        {
            return UserCommandResult.Fail("You cannot disable your own account.");
        }
        if (disabled && await users.IsInRoleAsync(user, Roles.Admin) && await IsLastActiveAdminAsync(users, user))
        {
            return UserCommandResult.Fail("This is the last active admin: it cannot be disabled.");
        }
        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, disabled ? ControlPlaneUser.DisabledUntil : null);
        await users.ResetAccessFailedCountAsync(user);
        await users.UpdateSecurityStampAsync(user); // ends the user's open sessions
        await AuditAsync(disabled ? "UserDisabled" : "UserEnabled", user.Email!,
            new ChangeSet().Compare("Status", disabled ? "Active" : "Disabled", disabled ? "Disabled" : "Active").Changes, cancellationToken);
        return new UserCommandResult([]);
    }

    public async Task<UserCommandResult> ResetPasswordAsync(string userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ControlPlaneUser>>();
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return UserCommandResult.Fail("This user no longer exists.");
        }
        var password = PasswordGenerator.Generate();
        var result = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
        if (!result.Succeeded)
        {
            return new UserCommandResult(result.Errors.Select(e => e.Description).ToList());
        }
        await AuditAsync("PasswordReset", user.Email!, [], cancellationToken);
        return new UserCommandResult([], password);
    }

    private async Task<bool> IsLastActiveAdminAsync(UserManager<ControlPlaneUser> users, ControlPlaneUser user) =>
        !(await users.GetUsersInRoleAsync(Roles.Admin)).Any(a => a.Id != user.Id && !a.IsDisabled);

    private async Task SetTeamsAsync(string userId, IReadOnlyList<Guid> teamIds, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.UserTeams.Where(m => m.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        db.UserTeams.AddRange(teamIds.Distinct().Select(id => new UserTeam(userId, id)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<string> TeamNamesAsync(IReadOnlyList<Guid> teamIds, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var names = await db.Teams.Where(t => teamIds.Contains(t.Id)).Select(t => t.Name).ToListAsync(cancellationToken);
        return string.Join(", ", names.Order());
    }

    private async Task AuditAsync(string action, string email, IReadOnlyList<FieldChange> changes, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(AuditEntry.Create(clock.GetUtcNow(), actor.Name, action, "User", email, changes));
        await db.SaveChangesAsync(cancellationToken);
    }
}
