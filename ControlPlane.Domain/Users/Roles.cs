namespace ControlPlane.Domain.Users;

/// <summary>The four roles DESIGN.md names. What each may do is decided in one place: Web/Security/Policies.cs.</summary>
public static class Roles
{
    /// <summary>Users and roles, provider credentials, API keys, prices, TCO settings; may do everything.</summary>
    public const string Admin = "Admin";

    /// <summary>Configures the workloads of the teams they belong to.</summary>
    public const string TechLead = "TechLead";

    /// <summary>Reads everything; cost and TCO.</summary>
    public const string Manager = "Manager";

    /// <summary>Batch job actions (promote, cancel, retry), the request log, failovers, the Hangfire dashboard.</summary>
    public const string Operator = "Operator";

    public static readonly IReadOnlyList<string> All = [Admin, TechLead, Manager, Operator];

    public static string Describe(string role) => role switch
    {
        Admin => "Users, roles, providers, API keys, prices and TCO settings",
        TechLead => "Workloads of their teams",
        Manager => "Reads everything; cost and TCO",
        Operator => "Batch jobs, requests, failovers, background jobs",
        _ => role,
    };
}
