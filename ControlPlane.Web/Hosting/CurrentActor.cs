using Microsoft.AspNetCore.Components.Authorization;

namespace ControlPlane.Web.Hosting;

/// <summary>Who is acting in the UI, for audit entries.</summary>
public interface ICurrentActor
{
    Task<string> NameAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The signed-in user's name when the circuit has one. Until sign-in is set up, actions are audited under a fixed
/// placeholder that says so, never under an invented person.
/// </summary>
public sealed class CircuitActor(IServiceProvider services) : ICurrentActor
{
    public const string Placeholder = "operator (sign-in not set up)";

    public async Task<string> NameAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<AuthenticationStateProvider>() is { } provider)
        {
            try
            {
                var state = await provider.GetAuthenticationStateAsync();
                if (state.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name })
                {
                    return name;
                }
            }
            catch (InvalidOperationException)
            {
                // No authentication configured for this circuit.
            }
        }
        return Placeholder;
    }
}
