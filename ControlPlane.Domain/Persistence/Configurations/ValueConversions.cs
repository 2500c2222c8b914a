using System.Text.Json;
using ControlPlane.Domain.Providers;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ControlPlane.Domain.Persistence.Configurations;

/// <summary>Conversions shared by the entity configurations.</summary>
internal static class ValueConversions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly ValueConverter<ModelRef, string> ModelRefConverter =
        new(m => m.Provider + "/" + m.Model, s => ModelRef.Parse(s));

    public static ValueConverter<List<T>, string> JsonList<T>() =>
        new(list => JsonSerializer.Serialize(list, Json), s => JsonSerializer.Deserialize<List<T>>(s, Json) ?? new List<T>());

    public static ValueComparer<List<T>> ListComparer<T>() =>
        new((a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, x) => HashCode.Combine(h, x)), l => l.ToList());

    public static ValueConverter<IReadOnlyList<T>, string> JsonReadOnlyList<T>() =>
        new(list => JsonSerializer.Serialize(list, Json), s => JsonSerializer.Deserialize<List<T>>(s, Json) ?? new List<T>());

    public static ValueComparer<IReadOnlyList<T>> ReadOnlyListComparer<T>() =>
        new((a, b) => a!.SequenceEqual(b!), l => l.Aggregate(0, (h, x) => HashCode.Combine(h, x)), l => l.ToList());
}
