using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Providers;

namespace ControlPlane.Domain.Requests;

/// <summary>Where a request goes and why, in words an operator can read.</summary>
public sealed record RoutingDecision(RequestMode Mode, ModelRef Model, string Reason);
