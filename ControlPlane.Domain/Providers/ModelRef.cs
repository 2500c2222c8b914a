using ControlPlane.Domain.Common;

namespace ControlPlane.Domain.Providers;

/// <summary>A model at a provider, e.g. <c>openai/gpt-4o-mini</c>.</summary>
public sealed record ModelRef(string Provider, string Model)
{
    public static ModelRef Parse(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            throw new DomainException($"'{value}' is not a model reference; write provider/model, e.g. openai/gpt-4o-mini.");
        }
        return new ModelRef(value[..slash].Trim().ToLowerInvariant(), value[(slash + 1)..].Trim());
    }

    public override string ToString() => $"{Provider}/{Model}";
}
