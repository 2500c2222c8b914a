using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlPlane.Domain.Persistence;
using ControlPlane.Web.Features.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Web.Tests.Api;

/// <summary>Every kind of bad input answers with RFC 7807 problem details and stores nothing.</summary>
public sealed class BadInputTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(0, await factory.QueryAsync(db => db.Requests.CountAsync(Ct)));
        return problem;
    }

    private async Task<string> KeyAsync(string team, string[] workloads, bool revoke = false)
    {
        var teamId = await factory.QueryAsync(db => db.Teams.Where(t => t.Slug == team).Select(t => t.Id).SingleAsync(Ct));
        var ids = await factory.QueryAsync(db => db.Workloads.Where(w => workloads.Contains(w.Slug)).Select(w => w.Id).ToListAsync(Ct));
        var service = factory.Services.GetRequiredService<ApiKeyService>();
        var (key, token) = await service.CreateAsync("t", teamId, ids, Ct);
        if (revoke)
        {
            await service.RevokeAsync(key.Id, Ct);
        }
        return token;
    }

    [Fact]
    public async Task Post_MalformedJson_Returns400()
    {
        var response = await factory.ClientWithKey().PostAsync("/api/v1/requests", RequestsApiTests.Raw("{\"workload\": "), Ct);
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_MissingFields_Returns400WithAnErrorPerField()
    {
        var response = await factory.ClientWithKey().PostAsJsonAsync("/api/v1/requests", new { maxOutputTokens = 0, deadline = "soon" }, Ct);
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "workload", "input", "maxOutputTokens", "deadline" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}");
        }
    }

    [Fact]
    public async Task Post_BadMessageRole_NamesTheMessage()
    {
        var response = await factory.ClientWithKey().PostAsJsonAsync("/api/v1/requests",
            new { workload = "customer-chatbot", input = new { messages = new[] { new { role = "robot", content = "hi" } } } }, Ct);
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("input.messages[0].role", out _));
    }

    [Fact]
    public async Task Post_BodyOverTheLimit_Returns413()
    {
        var response = await factory.ClientWithKey().PostAsJsonAsync("/api/v1/requests",
            new { workload = "customer-chatbot", input = new { prompt = new string('x', 10_000) } }, Ct);
        await ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Post_UnknownWorkload_Returns404()
    {
        var response = await factory.ClientWithKey().PostAsJsonAsync("/api/v1/requests", new { workload = "no-such-thing", input = new { prompt = "x" } }, Ct);
        await ExpectProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_ArchivedWorkload_Returns409()
    {
        await ArchiveAsync("predictive-analytics", archive: true);
        try
        {
            var response = await factory.ClientWithKey().PostAsJsonAsync("/api/v1/requests", new { workload = "predictive-analytics", input = new { prompt = "x" } }, Ct);
            var problem = await ExpectProblemAsync(response, HttpStatusCode.Conflict);
            Assert.Contains("archived", problem.GetProperty("detail").GetString());
        }
        finally
        {
            await ArchiveAsync("predictive-analytics", archive: false);
        }
    }

    [Fact]
    public async Task Post_KeyLimitedToOtherWorkloads_Returns403()
    {
        var key = await KeyAsync("data-platform", []);
        var limited = await KeyAsync("support", ["customer-chatbot"]);
        // The data-platform key sees only its own team: another team's workload is "unknown" to it.
        var otherTeam = await factory.ClientWithKey(key).PostAsJsonAsync("/api/v1/requests", new { workload = "customer-chatbot", input = new { prompt = "x" } }, Ct);
        await ExpectProblemAsync(otherTeam, HttpStatusCode.NotFound);

        await ArchiveAsync("customer-chatbot", archive: false);
        var teamId = await factory.QueryAsync(db => db.Teams.Where(t => t.Slug == "support").Select(t => t.Id).SingleAsync(Ct));
        var extra = await factory.QueryAsync(async db =>
        {
            var w = new Domain.Workloads.Workload(teamId, "support-triage", "Support triage", Domain.Workloads.Segment.TimeCritical,
                Domain.Workloads.ServiceLevel.Realtime(2000, 99m), new Domain.Providers.ModelRef("simulator", "sim-standard"), null, DateTimeOffset.UtcNow);
            if (!await db.Workloads.AnyAsync(x => x.Slug == w.Slug, Ct))
            {
                db.Workloads.Add(w);
                await db.SaveChangesAsync(Ct);
            }
            return w.Slug;
        });
        var response = await factory.ClientWithKey(limited).PostAsJsonAsync("/api/v1/requests", new { workload = extra, input = new { prompt = "x" } }, Ct);
        await ExpectProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("cp_0000_not-a-real-secret")]
    [InlineData("test-bootstrap-key-WRONG")]
    public async Task Post_MissingOrInvalidKey_Returns401(string? key)
    {
        var response = await factory.ClientWithKey(key).PostAsJsonAsync("/api/v1/requests", new { workload = "customer-chatbot", input = new { prompt = "x" } }, Ct);
        await ExpectProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Post_RevokedKey_Returns401()
    {
        var key = await KeyAsync("support", [], revoke: true);
        var response = await factory.ClientWithKey(key).PostAsJsonAsync("/api/v1/requests", new { workload = "customer-chatbot", input = new { prompt = "x" } }, Ct);
        await ExpectProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    private async Task ArchiveAsync(string slug, bool archive)
    {
        await factory.QueryAsync(async db =>
        {
            var w = await db.Workloads.SingleAsync(x => x.Slug == slug, Ct);
            if (archive) w.Archive(DateTimeOffset.UtcNow); else w.Restore(DateTimeOffset.UtcNow);
            return await db.SaveChangesAsync(Ct);
        });
        factory.Services.GetRequiredService<ControlPlane.Jobs.Requests.WorkloadDirectory>().Invalidate();
    }
}
