namespace ControlPlane.Domain.Audit;

/// <summary>Builds the before → after list of an edit, keeping only the fields that changed.</summary>
public sealed class ChangeSet
{
    private readonly List<FieldChange> _changes = [];

    public IReadOnlyList<FieldChange> Changes => _changes;

    public ChangeSet Compare<T>(string field, T before, T after)
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
        {
            _changes.Add(new FieldChange(field, Format(before), Format(after)));
        }
        return this;
    }

    private static string? Format<T>(T value) => value switch
    {
        null => null,
        System.Collections.IEnumerable list and not string =>
            string.Join(", ", list.Cast<object?>().Select(o => o?.ToString())),
        _ => value.ToString(),
    };
}
