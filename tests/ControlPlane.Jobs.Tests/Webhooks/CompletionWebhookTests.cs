using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Jobs.Tests.Batches;
using ControlPlane.Jobs.Webhooks;
using ControlPlane.Testing.Loopback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlPlane.Jobs.Tests.Webhooks;

public sealed class CompletionWebhookTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void Signature_ReceiverRecomputesHmacOverTimestampAndBody_Matches()
    {
        var body = """{"request_id":"r1","status":"succeeded"}"""u8.ToArray();
        const string secret = "whsec_test";
        var signature = WebhookSignature.Sign(secret, 1_773_133_200, body);

        // What a receiver written from the README does.
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes("1773133200." + Encoding.UTF8.GetString(body))));
        Assert.Equal(expected, signature);
        var at = DateTimeOffset.FromUnixTimeSeconds(1_773_133_200);
        Assert.True(WebhookSignature.Verify(secret, "1773133200", signature, body, at.AddMinutes(1), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, "1773133200", signature, body, at.AddMinutes(10), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(secret, "1773133200", signature, [.. body, (byte)' '], at, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_other", "1773133200", signature, body, at, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task BatchRequests_OfWorkloadWithWebhook_GetExactlyOneDeliveryEach_EvenAfterTheSweep()
    {
        await using var h = await BatchHarness.CreateAsync(simulator: o => o.BatchTurnaround = TimeSpan.FromMinutes(2));
        await SetWebhookAsync(h, "http://127.0.0.1:9/hook", new WebhookSecrets(new EphemeralDataProtectionProvider()).Generate().Protected);
        await SettleBatchAsync(h, 5);

        await h.Get<CompletionWebhooks>().SweepAsync(Token);
        await h.Get<ICompletionNotifier>().BatchSettledAsync(Assert.Single(h.Queue.Ingests), Token);

        await using var db = h.Db();
        var requests = await db.Requests.AsNoTracking().ToListAsync(Token);
        var deliveries = await db.WebhookDeliveries.AsNoTracking().ToListAsync(Token);
        Assert.Equal(5, requests.Count(r => r.Status == RequestStatus.Succeeded));
        Assert.Equal(requests.Select(r => r.Id).Order(), deliveries.Select(d => d.RequestId).Order());
        Assert.Equal(deliveries.Select(d => d.Id).Order(), h.Webhooks.Queued.Order());
    }

    [Fact]
    public async Task PromotedRequests_OfWorkloadWithWebhook_GetOneDeliveryEach_FromTheCompletionHook()
    {
        await using var h = await BatchHarness.CreateAsync(new ScriptedBatchProvider());
        await SetWebhookAsync(h, "http://127.0.0.1:9/hook", new WebhookSecrets(new EphemeralDataProtectionProvider()).Generate().Protected);
        var jobId = await h.SubmittedJobAsync(3);
        await h.FinishAsync(jobId, ControlPlane.Domain.Abstractions.ProviderBatchState.InProgress);

        await h.Get<BatchPromoteJob>().RunAsync(jobId, "operator@demo.local", "customer escalation", Token);

        await using var db = h.Db();
        var requests = await db.Requests.AsNoTracking().ToListAsync(Token);
        Assert.All(requests, r => Assert.Equal(RequestStatus.Succeeded, r.Status));
        var deliveries = await db.WebhookDeliveries.AsNoTracking().ToListAsync(Token);
        Assert.Equal(requests.Select(r => r.Id).Order(), deliveries.Select(d => d.RequestId).Order());
        Assert.Equal(3, h.Webhooks.Queued.Count);

        // The sweep finds nothing left to create or re-queue.
        Assert.Equal(0, await h.Get<CompletionWebhooks>().SweepAsync(Token));
        Assert.Equal(3, await db.WebhookDeliveries.CountAsync(Token));
    }

    [Fact]
    public async Task Delivery_ReceiverFailsTwice_ThirdRunDelivers_AndAFourthRunSendsNothing()
    {
        var calls = 0;
        await using var receiver = await LoopbackServer.StartAsync(app => app.MapPost("/hook", () =>
            Interlocked.Increment(ref calls) <= 2 ? Results.StatusCode(503) : Results.Ok()));
        await using var h = await BatchHarness.CreateAsync(simulator: o => o.BatchTurnaround = TimeSpan.FromMinutes(2));
        var secrets = new WebhookSecrets(new EphemeralDataProtectionProvider());
        var (secret, protectedSecret) = secrets.Generate();
        await SetWebhookAsync(h, new Uri(receiver.BaseAddress, "/hook").ToString(), protectedSecret);
        await SettleBatchAsync(h, 1);
        var deliveryId = Assert.Single(h.Webhooks.Queued);
        var logs = new ConcurrentQueue<string>();
        var job = DeliveryJob(h, secrets, logs);

        await Assert.ThrowsAsync<WebhookDeliveryException>(() => job.RunAsync(deliveryId, Token));
        await Assert.ThrowsAsync<WebhookDeliveryException>(() => job.RunAsync(deliveryId, Token));
        Assert.True(await job.RunAsync(deliveryId, Token));
        Assert.False(await job.RunAsync(deliveryId, Token));

        Assert.Equal(3, receiver.Requests.Count);
        await using var db = h.Db();
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId, Token);
        var attempts = await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Number).ToListAsync(Token);
        Assert.Equal([503, 503, 200], attempts.Select(a => a.StatusCode));
        Assert.NotNull(delivery.DeliveredAt);
        Assert.Equal(3, delivery.AttemptCount);

        // The receiver can verify what it got, and the body carries the result.
        var last = receiver.Requests.Last();
        Assert.True(WebhookSignature.Verify(secret, last.Header(WebhookSignature.TimestampHeader)!, last.Header(WebhookSignature.SignatureHeader)!,
            last.Body, h.Time.GetUtcNow(), TimeSpan.FromMinutes(5)));
        using var json = JsonDocument.Parse(last.Body);
        var request = Assert.Single(await db.Requests.AsNoTracking().ToListAsync(Token));
        Assert.Equal(request.Id, json.RootElement.GetProperty("request_id").GetGuid());
        Assert.Equal("batch-work", json.RootElement.GetProperty("workload").GetString());
        Assert.Equal("succeeded", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(request.Output, json.RootElement.GetProperty("output").GetString());

        // The secret is never written to a log, even when attempts fail.
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, protectedSecret, StringComparison.Ordinal);
    }

    private static WebhookDeliveryJob DeliveryJob(BatchHarness h, WebhookSecrets secrets, ConcurrentQueue<string> logs)
    {
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        return new WebhookDeliveryJob(h.Get<IDbContextFactory<ControlPlaneDbContext>>(), services.GetRequiredService<IHttpClientFactory>(),
            secrets, h.Time, new CollectingLogger<WebhookDeliveryJob>(logs));
    }

    private static async Task SetWebhookAsync(BatchHarness h, string url, string protectedSecret)
    {
        await using var db = h.Db();
        await db.Workloads.Where(w => w.Id == h.Workload.Id).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.CompletionWebhookUrl, url)
            .SetProperty(w => w.ProtectedWebhookSecret, protectedSecret), Token);
    }

    private static async Task SettleBatchAsync(BatchHarness h, int count)
    {
        await h.QueueAsync(count);
        await h.Get<BatchAssemblyJob>().RunAsync(Token);
        await h.Get<BatchSubmitJob>().RunAsync(Assert.Single(h.Queue.Submits), Token);
        for (var polls = 0; h.Queue.Ingests.IsEmpty && polls < 200; polls++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(5));
            await h.Get<BatchPollJob>().RunAsync(Token);
        }
        await h.Get<BatchIngestJob>().RunAsync(Assert.Single(h.Queue.Ingests), Token);
    }
}

/// <summary>Keeps every formatted message and exception text, so a test can look for what must never be logged.</summary>
internal sealed class CollectingLogger<T>(ConcurrentQueue<string> lines) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Enqueue(formatter(state, exception) + " " + exception);
}
