using System.Globalization;

namespace ControlPlane.Dashboards.Benchmarks;

/// <summary>Command line: <c>--requests N</c> (default 1,000,000), <c>--runs K</c> (default 7), <c>--keep</c> the database file.</summary>
public sealed record BenchmarkOptions(int Requests, int Runs, bool Keep)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions(1_000_000, 7, false);
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--requests" when i + 1 < args.Length => options with { Requests = int.Parse(args[++i].Replace("_", ""), CultureInfo.InvariantCulture) },
                "--runs" when i + 1 < args.Length => options with { Runs = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--keep" => options with { Keep = true },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. Use --requests N, --runs K, --keep."),
            };
        }
        return options.Requests > 0 && options.Runs > 0 ? options : throw new ArgumentException("--requests and --runs must be positive.");
    }
}
