namespace ControlPlane.Web.Features.Audit;

/// <summary>Who is acting, as the audit log names them. Sign-in replaces the placeholder with the signed-in user.</summary>
public interface ICurrentActor
{
    string Name { get; }
}

/// <summary>Until sign-in exists every change is attributed to this name, so nobody mistakes it for a real user.</summary>
public sealed class PlaceholderActor : ICurrentActor
{
    public const string Anonymous = "anonymous (sign-in not configured)";

    public string Name => Anonymous;
}
