namespace ControlPlane.Web.Features.Costs;

/// <summary>The dimension spend is broken down by.</summary>
public enum CostGroup { Mode, Provider, Team, Workload }
