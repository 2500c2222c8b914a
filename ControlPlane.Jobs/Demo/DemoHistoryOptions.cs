using System.ComponentModel.DataAnnotations;

namespace ControlPlane.Jobs.Demo;

/// <summary><c>ControlPlane:Demo:History</c>: the month of demo traffic generated on the first start in demo mode.</summary>
public sealed class DemoHistoryOptions
{
    public const string SectionName = "ControlPlane:Demo:History";

    /// <summary>Days of history before the first start; 0 turns the generator off.</summary>
    [Range(0, 90)]
    public int Days { get; set; } = 30;

    /// <summary>Average demo requests per day across the five demo workloads (each follows its own daily rhythm).</summary>
    [Range(1, 20_000)]
    public int RequestsPerDay { get; set; } = 400;
}
