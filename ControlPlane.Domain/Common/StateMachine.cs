namespace ControlPlane.Domain.Common;

/// <summary>
/// An explicit transition table. Lifecycles are the contract of the product (DESIGN.md), so the legal
/// edges are written down once here and every change of state goes through <see cref="Ensure"/>.
/// </summary>
public sealed class StateMachine<TState> where TState : struct, Enum
{
    private readonly Dictionary<TState, HashSet<TState>> _edges = [];
    private readonly HashSet<TState> _terminal;

    public StateMachine(IEnumerable<(TState From, TState[] To)> edges, IEnumerable<TState> terminal)
    {
        foreach (var (from, to) in edges)
        {
            if (!_edges.TryGetValue(from, out var set))
            {
                _edges[from] = set = [];
            }
            set.UnionWith(to);
        }
        _terminal = [.. terminal];
    }

    public bool IsTerminal(TState state) => _terminal.Contains(state);

    public bool CanMove(TState from, TState to) => _edges.TryGetValue(from, out var set) && set.Contains(to);

    public IReadOnlyCollection<TState> NextStates(TState from) =>
        _edges.TryGetValue(from, out var set) ? set : (IReadOnlyCollection<TState>)[];

    public IEnumerable<(TState From, TState To)> Edges =>
        _edges.SelectMany(e => e.Value.Select(to => (e.Key, to)));

    public void Ensure(string entity, object id, TState from, TState to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidStateTransitionException(entity, id, from, to);
        }
    }
}
