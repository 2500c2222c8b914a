namespace ControlPlane.Domain.Common;

/// <summary>A rule of the model was broken; the message says which, in words a user can read.</summary>
public class DomainException(string message) : Exception(message);

/// <summary>A lifecycle was asked to move along an edge its state machine does not have.</summary>
public sealed class InvalidStateTransitionException(string entity, object id, Enum from, Enum to)
    : DomainException($"{entity} {id} cannot move from {from} to {to}.")
{
    public Enum From { get; } = from;
    public Enum To { get; } = to;
}
