using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Domain.Costs;
using ControlPlane.Domain.Persistence;
using ControlPlane.Jobs.Demo;
using ControlPlane.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Web.Tests.Hosting;

public sealed class DemoHistoryStartTests
{
    private const string Key = "history-test-key-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstStartInDemoMode_HasDaysOfHistoryBeforeServing_AndARestartAddsNone()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cp-history-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["ControlPlane:Demo:History:Days"] = "2",
            ["ControlPlane:Demo:History:RequestsPerDay"] = "150",
            ["ControlPlane:BootstrapApiKey"] = Key,
        };
        try
        {
            int afterFirstStart;
            await using (var first = new ControlPlaneFactory(directory, settings))
            {
                using var client = first.CreateClient();
                await using var db = await Factory(first).CreateDbContextAsync(Ct);
                var requests = await db.Requests.AsNoTracking().Select(r => new { r.Mode, r.ReceivedAt }).ToListAsync(Ct);
                Assert.Contains(requests, r => r.Mode == RequestMode.Realtime);
                Assert.Contains(requests, r => r.Mode == RequestMode.Batch);
                Assert.True(DateTimeOffset.UtcNow - requests.Min(r => r.ReceivedAt) > TimeSpan.FromDays(1.9), "History should reach two days back.");
                Assert.True(await db.HourlyRollups.CountAsync(Ct) > 24, "The dashboards' roll-ups should cover the history.");
                Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == DemoHistory.CompletedAction, Ct));

                // The live path works on top of it, with the real clock.
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/requests")
                {
                    Content = JsonContent.Create(new { workload = "customer-chatbot", input = new { prompt = "Where is my order?" } }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
                var sent = DateTimeOffset.UtcNow;
                using var response = await client.SendAsync(request, Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var receivedAt = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("receivedAt").GetDateTimeOffset();
                Assert.InRange(receivedAt, sent.AddSeconds(-1), DateTimeOffset.UtcNow);
                afterFirstStart = await db.Requests.CountAsync(Ct);
                Assert.Equal(requests.Count + 1, afterFirstStart);
            }

            await using var second = new ControlPlaneFactory(directory, settings);
            second.CreateClient().Dispose();
            await using var again = await Factory(second).CreateDbContextAsync(Ct);
            Assert.Equal(afterFirstStart, await again.Requests.CountAsync(Ct));
        }
        finally
        {
            ControlPlaneFactory.DeleteQuietly(directory);
        }
    }

    private static IDbContextFactory<ControlPlaneDbContext> Factory(ControlPlaneFactory app) =>
        app.Services.GetRequiredService<IDbContextFactory<ControlPlaneDbContext>>();
}
