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
        var prompt = DemoPrompts.For(workload, n, Random.Shared);
        // A third of the hybrid requests are urgent: their short deadline leaves no room for batch.
        var deadline = workload == "data-enrichment" && Random.Shared.NextDouble() < DemoTraffic.UrgentShare
            ? System.Xml.XmlConvert.ToString(DemoTraffic.UrgentDeadline)
            : null;
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/requests")
        {
            Content = JsonContent.Create(new
            {
                workload,
                input = new { messages = new[] { new { role = "user", content = prompt } } },
                maxOutputTokens = DemoPrompts.MaxOutputTokens(workload),
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
        foreach (var (workload, weight) in DemoTraffic.Mix)
        {
            if ((roll -= weight) < 0)
            {
                return workload;
            }
        }
        return DemoTraffic.Mix[0].Workload;
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
