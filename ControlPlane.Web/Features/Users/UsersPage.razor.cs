using ControlPlane.Domain.Users;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ControlPlane.Web.Features.Users;

public sealed partial class UsersPage
{
    private IReadOnlyList<UserRow>? _users;
    private IReadOnlyList<TeamOption> _teams = [];
    private (string Email, string Password)? _shownOnce;
    private string? _error;

    [Inject]
    private UserAdministration Administration { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _teams = await Administration.TeamsAsync(CancellationToken.None);
        await ReloadAsync();
    }

    private async Task ReloadAsync() => _users = await Administration.ListAsync(CancellationToken.None);

    private string TeamNames(IReadOnlyList<Guid> ids) =>
        ids.Count == 0 ? "—" : string.Join(", ", _teams.Where(t => ids.Contains(t.Id)).Select(t => t.Name));

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<UserDialog>("New user", new DialogParameters<UserDialog> { { d => d.Teams, _teams } });
        if (await dialog.Result is { Canceled: false, Data: UserSaved saved })
        {
            Show(saved.Result, saved.Email);
            await ReloadAsync();
        }
    }

    private async Task EditAsync(UserRow user)
    {
        var parameters = new DialogParameters<UserDialog> { { d => d.Teams, _teams }, { d => d.Existing, user } };
        var dialog = await Dialogs.ShowAsync<UserDialog>($"Roles and teams of {user.Email}", parameters);
        if (await dialog.Result is { Canceled: false })
        {
            _error = null;
            await ReloadAsync();
        }
    }

    private async Task ResetPasswordAsync(UserRow user)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Reset password",
            $"Give {user.Email} a new generated password? The old one stops working at once.", yesText: "Reset", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        var result = await Administration.ResetPasswordAsync(user.Id, CancellationToken.None);
        Show(result, user.Email);
    }

    private async Task ToggleDisabledAsync(UserRow user)
    {
        var result = await Administration.SetDisabledAsync(user.Id, !user.IsDisabled, CancellationToken.None);
        Show(result, user.Email);
        await ReloadAsync();
    }

    private void Show(UserCommandResult result, string email)
    {
        _error = result.Succeeded ? null : string.Join(" ", result.Errors);
        _shownOnce = result.ShownOncePassword is { } password ? (email, password) : null;
    }

    internal static IReadOnlyList<string> AllRoles => Roles.All;
}
