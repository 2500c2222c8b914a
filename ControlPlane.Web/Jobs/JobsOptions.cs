using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Web.Jobs;

/// <summary><c>ControlPlane:Jobs</c>: whether this instance runs the Hangfire server, and how many workers.</summary>
public sealed class JobsOptions
{
    public const string SectionName = "ControlPlane:Jobs";

    /// <summary>Off for web-only instances (and some tests); the dashboard and enqueueing still work.</summary>
    public bool RunServer { get; set; } = true;

    [Range(1, 64)]
    public int WorkerCount { get; set; } = 4;
}
