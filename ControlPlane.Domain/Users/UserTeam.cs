namespace ControlPlane.Domain.Users;

/// <summary>Membership of a user in a team: a tech lead edits the workloads of the teams they belong to.</summary>
public sealed record UserTeam(string UserId, Guid TeamId);
