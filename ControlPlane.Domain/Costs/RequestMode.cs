namespace ControlPlane.Domain.Costs;

/// <summary>How a request was (or is being) served.</summary>
public enum RequestMode { Realtime, Batch }
