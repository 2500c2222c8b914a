namespace ControlPlane.Domain.Demo;

/// <summary>One demo request to send: when, to which workload, and whether the caller is in a hurry.</summary>
/// <param name="Urgent">A hybrid request with a short deadline, which leaves no room for the batch path.</param>
public sealed record DemoArrival(DateTimeOffset At, string Workload, bool Urgent);

/// <summary>
/// What demo traffic looks like, shared by the live demo traffic and the generated month of history: the mix of
/// the five demo workloads and each one's daily and weekly rhythm (the prompts are in <see cref="DemoPrompts"/>).
/// </summary>
public static class DemoTraffic
{
    /// <summary>Short deadline of the urgent hybrid requests.</summary>
    public static readonly TimeSpan UrgentDeadline = TimeSpan.FromMinutes(5);

    /// <summary>Share of hybrid (data-enrichment) requests that are urgent.</summary>
    public const double UrgentShare = 0.33;

    /// <summary>Rough shares of the demo traffic; the hybrid workload gets enough volume to show both routes.</summary>
    public static readonly IReadOnlyList<(string Workload, double Weight)> Mix =
    [
        ("customer-chatbot", 0.30), ("content-moderation", 0.25), ("data-enrichment", 0.20),
        ("document-processing", 0.15), ("predictive-analytics", 0.10),
    ];

    private static readonly Dictionary<string, double> WeeklyMean =
        Mix.ToDictionary(m => m.Workload, m => Enumerable.Range(0, 7 * 24)
            .Average(h => Raw(m.Workload, DateTimeOffset.UnixEpoch.AddDays(3).AddHours(h + 0.5)))); // 1970-01-04 is a Sunday

    /// <summary>A workload's traffic at <paramref name="at"/> relative to its weekly average (the average over a week is 1).</summary>
    public static double Intensity(string workload, DateTimeOffset at) =>
        WeeklyMean.TryGetValue(workload, out var mean) ? Raw(workload, at) / mean : 1.0;

    /// <summary>
    /// The demo requests of [<paramref name="from"/>, <paramref name="to"/>): per workload a Poisson count around
    /// <paramref name="requestsPerDay"/> × its share × its intensity, at uniformly drawn instants, in time order.
    /// </summary>
    public static List<DemoArrival> Arrivals(DateTimeOffset from, DateTimeOffset to, double requestsPerDay, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var span = to - from;
        var arrivals = new List<DemoArrival>();
        if (span <= TimeSpan.Zero)
        {
            return arrivals;
        }
        var middle = from + span / 2;
        foreach (var (workload, weight) in Mix)
        {
            var expected = requestsPerDay * weight * Intensity(workload, middle) * span.TotalDays;
            var count = Poisson(expected, random);
            for (var i = 0; i < count; i++)
            {
                var at = from + TimeSpan.FromTicks((long)(random.NextDouble() * span.Ticks));
                var urgent = workload == "data-enrichment" && random.NextDouble() < UrgentShare;
                arrivals.Add(new DemoArrival(at, workload, urgent));
            }
        }
        arrivals.Sort((a, b) => a.At.CompareTo(b.At));
        return arrivals;
    }

    private static double Raw(string workload, DateTimeOffset at)
    {
        var hour = at.UtcDateTime.TimeOfDay.TotalHours;
        var weekend = at.UtcDateTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        return workload switch
        {
            // People ask during the day; fewer at weekends.
            "customer-chatbot" => (0.25 + 1.6 * Bump(hour, 14, 4.5)) * (weekend ? 0.65 : 1.0),
            // Users post most in the evening, and more at weekends.
            "content-moderation" => (0.35 + 1.3 * Bump(hour, 20, 4)) * (weekend ? 1.25 : 1.0),
            // The account dashboards are read in office hours on working days.
            "predictive-analytics" => (0.08 + 2.0 * Bump(hour, 12, 3)) * (weekend ? 0.2 : 1.0),
            // Contracts and invoices are uploaded in office hours.
            "document-processing" => (0.1 + 1.8 * Bump(hour, 11, 3.5)) * (weekend ? 0.15 : 1.0),
            // A steady trickle plus the nightly catalogue import.
            "data-enrichment" => (0.7 + 1.6 * Bump(hour, 2, 1.5)) * (weekend ? 0.9 : 1.0),
            _ => 1.0,
        };
    }

    /// <summary>A bell around <paramref name="peak"/> (hours) on the 24-hour circle.</summary>
    private static double Bump(double hour, double peak, double width)
    {
        var distance = Math.Abs(hour - peak);
        distance = Math.Min(distance, 24 - distance);
        return Math.Exp(-distance * distance / (2 * width * width));
    }

    private static int Poisson(double expected, Random random)
    {
        if (expected <= 0)
        {
            return 0;
        }
        if (expected > 50)
        {
            // Normal approximation: Knuth's method needs e^-λ, which underflows for large λ.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var gaussian = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            return Math.Max(0, (int)Math.Round(expected + Math.Sqrt(expected) * gaussian));
        }
        var limit = Math.Exp(-expected);
        var count = 0;
        var product = random.NextDouble();
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }
        return count;
    }
}
