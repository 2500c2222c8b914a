using System.Globalization;
using System.Text;

namespace ControlPlane.Jobs.Providers.Simulator;

/// <summary>
/// A small seeded generator (SplitMix64) whose seed is a stable hash of its inputs.
/// string.GetHashCode and System.Random's unseeded state differ per process; the Simulator must give the
/// same answer for the same request in every process, so both the hash (FNV-1a) and the generator are ours.
/// </summary>
internal sealed class StableRandom(ulong seed)
{
    private ulong _state = seed;

    public static StableRandom From(params ReadOnlySpan<object> parts) => new(Hash(parts));

    public static ulong Hash(params ReadOnlySpan<object> parts)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offset;
        foreach (var part in parts)
        {
            var text = Convert.ToString(part, CultureInfo.InvariantCulture) ?? "";
            foreach (var b in Encoding.UTF8.GetBytes(text))
            {
                hash = (hash ^ b) * prime;
            }
            // A separator keeps ("ab","c") and ("a","bc") apart.
            hash = (hash ^ 0x1F) * prime;
        }
        return Mix(hash);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive) => maxExclusive <= 0 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
