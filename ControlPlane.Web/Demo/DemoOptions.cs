namespace ControlPlane.Web.Demo;

/// <summary><c>ControlPlane:Demo</c>: the embedded default's demo data, demo users and demo traffic.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "ControlPlane:Demo";

    /// <summary>Seed demo teams, workloads, prices and TCO defaults on start (idempotent).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Password of the demo users while demo mode is on; never committed with a value.</summary>
    public string? Password { get; set; }

    public DemoTrafficOptions Traffic { get; set; } = new();
}

public sealed class DemoTrafficOptions
{
    /// <summary>Send demo requests through the public API so every page has live data.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Average rate of demo requests across the five demo workloads.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 60_000)]
    public int RequestsPerMinute { get; set; } = 2;
}
