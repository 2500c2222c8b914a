using System.Globalization;
using System.Text;

namespace ControlPlane.Domain.Demo;

/// <summary>Prompts of the demo workloads, with context of a plausible length (documents are longer than chat turns).</summary>
public static class DemoPrompts
{
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
    public static string For(string workload, int number, Random random)
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
