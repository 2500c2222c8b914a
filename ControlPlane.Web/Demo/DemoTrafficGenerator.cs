using System.Net.Http.Headers;
using System.Net.Http.Json;
using ControlPlane.Domain.Demo;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ControlPlane.Web.Demo;

/// <summary>
/// Sends demo requests through the PUBLIC API over HTTP (its own HttpClient to this app's own address), so every page
/// shows data that went through the real path: authentication, routing, execution, telemetry. On only when
/// <c>ControlPlane:Demo:Traffic:Enabled</c> is true.
/// </summary>
public sealed class DemoTrafficGenerator(
    IServer server,
    IHostApplicationLifetime lifetime,
    DemoKeys demoKeys,
    IOptions<DemoOptions> options,
    ILogger<DemoTrafficGenerator> logger) : BackgroundService
{
    private static readonly string[] Prompts =
    [
        "Where is my order #{0}? It was due yesterday.",
        "Summarise this contract clause about termination notice in two sentences (doc {0}).",
        "Score the churn risk for account {0} given 3 support tickets this month.",
        "Is this post acceptable under our community rules? 'Great deal on shoes, visit my profile' ({0})",
        "Tag and summarise catalogue record {0}: blue waterproof hiking jacket, size M.",
        "Extract the invoice number, total and due date from document {0}.",
        "Write a friendly reply to a customer asking for a refund on order {0}.",
    ];

    // Rough shares of the demo traffic; the hybrid workload gets enough volume to show both routes.
    private static readonly (string Workload, double Weight)[] Mix =
    [
        ("customer-chatbot", 0.30), ("content-moderation", 0.25), ("data-enrichment", 0.20),
        ("document-processing", 0.15), ("predictive-analytics", 0.10),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Traffic.Enabled)
        {
            return;
        }
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }
        var address = OwnAddress();
        if (address is null)
        {
            logger.LogWarning("Demo traffic is on, but the server reports no HTTP address to call; no demo traffic will be sent");
            return;
        }
        var tokens = await demoKeys.IssueAsync(stoppingToken);
        var teamOf = DemoWorkloads.Workloads.ToDictionary(w => w.Slug, w => w.TeamSlug);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        using var inFlight = new SemaphoreSlim(16);
        var interval = TimeSpan.FromMinutes(1) / Math.Clamp(options.Value.Traffic.RequestsPerMinute, 1, 60_000);
        logger.LogInformation("Demo traffic: {Rate} requests/min to {Address}", options.Value.Traffic.RequestsPerMinute, address);

        var n = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval * (0.5 + Random.Shared.NextDouble()), stoppingToken);
                if (!await inFlight.WaitAsync(0, stoppingToken))
                {
                    continue; // The app is slower than the demo rate: skip rather than pile up.
                }
                var workload = Pick();
                _ = SendAsync(http, tokens[teamOf[workload]], workload, ++n, stoppingToken).ContinueWith(_ => inFlight.Release(), TaskScheduler.Default);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task SendAsync(HttpClient http, string token, string workload, int n, CancellationToken cancellationToken)
    {
        var prompt = string.Format(System.Globalization.CultureInfo.InvariantCulture, Prompts[Random.Shared.Next(Prompts.Length)], 1000 + n);
        // A third of the hybrid requests are urgent: their short deadline leaves no room for batch.
        var deadline = workload == "data-enrichment" && Random.Shared.NextDouble() < 0.33 ? "PT5M" : null;
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/requests")
        {
            Content = JsonContent.Create(new
            {
                workload,
                input = new { messages = new[] { new { role = "user", content = prompt } } },
                maxOutputTokens = 256,
                deadline,
                metadata = new { source = "demo-traffic" },
            }),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(message, cancellationToken);
            if ((int)response.StatusCode >= 400 && (int)response.StatusCode != 503)
            {
                logger.LogWarning("Demo request to {Workload} answered {Status}", workload, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            logger.LogDebug(ex, "Demo request to {Workload} did not complete", workload);
        }
    }

    private static string Pick()
    {
        var roll = Random.Shared.NextDouble();
        foreach (var (workload, weight) in Mix)
        {
            if ((roll -= weight) < 0)
            {
                return workload;
            }
        }
        return Mix[0].Workload;
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var a = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var b = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private Uri? OwnAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (chosen is null)
        {
            return null;
        }
        // Wildcard bindings are not addresses one can call: use loopback on the same port.
        var fixedUp = chosen.Replace("://+", "://localhost").Replace("://*", "://localhost")
            .Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost");
        return new Uri(fixedUp);
    }
}
