using System.Globalization;
using System.Text;

namespace ControlPlane.Domain.Demo;

/// <summary>One demo request to send: when, to which workload, and whether the caller is in a hurry.</summary>
/// <param name="Urgent">A hybrid request with a short deadline, which leaves no room for the batch path.</param>
public sealed record DemoArrival(DateTimeOffset At, string Workload, bool Urgent);

/// <summary>
/// What demo traffic looks like, shared by the live demo traffic and the generated month of history: the mix of
/// the five demo workloads, each one's daily and weekly rhythm, and prompts of a plausible size for the workload.
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

    /// <summary>The most output tokens a demo request asks for: about twice the workload's expected mean.</summary>
    public static int MaxOutputTokens(string workload) => workload switch
    {
        "customer-chatbot" => 400,
        "document-processing" => 900,
        "predictive-analytics" => 300,
        "content-moderation" => 40,
        "data-enrichment" => 300,
        _ => 256,
    };

    /// <summary>A prompt for the workload with context of a plausible length (documents are longer than chat turns).</summary>
    public static string Prompt(string workload, int number, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var (questions, context, sentences) = workload switch
        {
            "customer-chatbot" => (ChatQuestions, ChatContext, 4),
            "document-processing" => (DocumentQuestions, DocumentContext, 24),
            "predictive-analytics" => (AnalyticsQuestions, AnalyticsContext, 8),
            "content-moderation" => (ModerationQuestions, ModerationContext, 1),
            "data-enrichment" => (EnrichmentQuestions, EnrichmentContext, 5),
            _ => (ChatQuestions, ChatContext, 1),
        };
        var text = new StringBuilder(string.Format(CultureInfo.InvariantCulture, questions[random.Next(questions.Length)], 1000 + number));
        for (var i = 0; i < sentences; i++)
        {
            text.Append(' ').Append(context[random.Next(context.Length)]);
        }
        return text.ToString();
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

    private static readonly string[] ChatQuestions =
    [
        "Where is my order #{0}? It was due yesterday.",
        "Write a friendly reply to a customer asking for a refund on order {0}.",
        "Can I change the delivery address of order #{0} before it ships?",
        "The customer says the jacket from order {0} is the wrong size. What are the return options?",
    ];

    private static readonly string[] ChatContext =
    [
        "Customer: I ordered it last week and the tracking page has not changed since Monday.",
        "Agent notes: premium member since 2021, two previous orders delivered on time.",
        "Policy: returns are free within 30 days when the item is unworn and in its packaging.",
        "Customer: I need it before the weekend because it is a present.",
        "Order lines: 1 × waterproof hiking jacket (M), 1 × merino socks (pack of 3).",
        "Carrier status: parcel scanned at the regional depot, out for delivery expected tomorrow.",
    ];

    private static readonly string[] DocumentQuestions =
    [
        "Extract the invoice number, total and due date from document {0}.",
        "Summarise the termination clause of contract {0} in two sentences.",
        "List the parties, the start date and the renewal terms of agreement {0}.",
    ];

    private static readonly string[] DocumentContext =
    [
        "This agreement is entered into by and between the supplier and the customer named on the cover page.",
        "Either party may terminate this agreement by giving not less than ninety days' written notice to the other party.",
        "Invoices are payable within thirty days of the invoice date without deduction or set-off.",
        "The supplier shall maintain insurance with reputable insurers against all risks usually insured against.",
        "All amounts are stated exclusive of value added tax, which shall be added at the applicable rate.",
        "Neither party shall be liable for any failure or delay caused by events beyond its reasonable control.",
        "Line 4: professional services, 32 hours at the agreed daily rate, delivered in the period stated above.",
        "This agreement renews automatically for successive periods of twelve months unless terminated in writing.",
        "Confidential information shall not be disclosed to any third party without the prior written consent of the owner.",
        "Any notice under this agreement shall be in writing and delivered by hand, by courier or by registered post.",
    ];

    private static readonly string[] AnalyticsQuestions =
    [
        "Score the churn risk for account {0} given its support tickets this month.",
        "Estimate the likelihood that account {0} upgrades its plan next quarter.",
    ];

    private static readonly string[] AnalyticsContext =
    [
        "Seats: 48 of 50 in use, down from 50 last month.",
        "Support tickets: 3 this month, one rated dissatisfied.",
        "Logins: 1,240 in the last 30 days, 18 % fewer than the month before.",
        "Contract renews in 74 days; the champion changed roles in September.",
        "Feature usage: reports daily, integrations weekly, API rarely.",
        "Invoices: all paid on time; one discount requested at the last renewal.",
    ];

    private static readonly string[] ModerationQuestions =
    [
        "Is this post acceptable under our community rules? 'Great deal on shoes, visit my profile' ({0})",
        "Does comment {0} contain harassment or personal data? 'You again? Everyone knows where you live.'",
        "Classify listing {0}: 'Barely used bike, pick up only, cash please.'",
    ];

    private static readonly string[] ModerationContext =
    [
        "Reply with allow, review or block and a short reason.",
        "The author's account is three days old.",
        "The post was reported once by another user.",
    ];

    private static readonly string[] EnrichmentQuestions =
    [
        "Tag and summarise catalogue record {0}: blue waterproof hiking jacket, size M.",
        "Normalise the attributes of product {0} and suggest three search keywords.",
    ];

    private static readonly string[] EnrichmentContext =
    [
        "Supplier description: breathable three-layer shell with taped seams and an adjustable hood.",
        "Attributes: colour=navy; material=nylon 70D; weight=410 g; fit=regular.",
        "Category path: Outdoor > Clothing > Jackets > Rain jackets.",
        "Existing tags: hiking, rain, lightweight.",
        "Care: machine wash at 30 °C, do not tumble dry, reproof after washing.",
    ];
}
