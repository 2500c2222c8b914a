using System.Diagnostics;
using ControlPlane.Domain.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Webhooks;

/// <summary>
/// POSTs one completion webhook, signed with the workload's secret, and records the attempt. A failed attempt is
/// recorded and then rethrown so Hangfire retries it with its exponential backoff; a delivered delivery is never
/// sent again, however often the job runs.
/// </summary>
public sealed class WebhookDeliveryJob(
    IDbContextFactory<ControlPlaneDbContext> factory,
    IHttpClientFactory http,
    WebhookSecrets secrets,
    TimeProvider clock,
    ILogger<WebhookDeliveryJob> logger)
{
    public const string HttpClientName = "completion-webhooks";

    [AutomaticRetry(Attempts = 10, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task<bool> RunAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery is null || delivery.IsDelivered)
        {
            return false;
        }
        var request = await db.Requests.AsNoTracking().FirstAsync(r => r.Id == delivery.RequestId, cancellationToken);
        var workload = await db.Workloads.AsNoTracking().FirstAsync(w => w.Id == delivery.WorkloadId, cancellationToken);
        var now = clock.GetUtcNow();
        if (workload.CompletionWebhookUrl is not { } url || workload.ProtectedWebhookSecret is not { } protectedSecret)
        {
            // Nothing to retry: the URL was removed, or no secret was ever generated to sign with.
            var why = workload.CompletionWebhookUrl is null
                ? "The workload no longer has a completion webhook URL."
                : "The workload has no signing secret; rotate it on the workload editor.";
            db.WebhookAttempts.Add(delivery.Record(now, null, TimeSpan.Zero, why));
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }

        var body = WebhookPayload.From(delivery.Id, request, workload).ToUtf8Json();
        var timestamp = now.ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        message.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secrets.Reveal(protectedSecret), timestamp, body));
        message.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id.ToString());

        var watch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(message, cancellationToken);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"The receiver answered {status} {response.ReasonPhrase}.";
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = ex is TaskCanceledException ? "The receiver did not answer in time." : $"The receiver could not be reached: {ex.Message}";
        }
        var attempt = delivery.Record(clock.GetUtcNow(), status, watch.Elapsed, error);
        db.WebhookAttempts.Add(attempt);
        await db.SaveChangesAsync(CancellationToken.None);
        if (!attempt.Succeeded)
        {
            logger.LogWarning("Completion webhook {DeliveryId} attempt {Attempt} failed: {Error}", delivery.Id, attempt.Number, error);
            throw new WebhookDeliveryException($"Completion webhook {delivery.Id} attempt {attempt.Number} failed: {error}");
        }
        return true;
    }
}

/// <summary>Thrown after a failed attempt was recorded, so the job system retries it.</summary>
public sealed class WebhookDeliveryException(string message) : Exception(message);
