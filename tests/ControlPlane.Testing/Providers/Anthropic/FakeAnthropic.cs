using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Anthropic;
using ControlPlane.Testing.Loopback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Testing.Providers.Anthropic;

/// <summary>A loopback Anthropic API: <c>/v1/messages</c> and <c>/v1/messages/batches</c> in the documented wire format.</summary>
public sealed class FakeAnthropic : IAsyncDisposable
{
    public const string ApiKey = "sk-ant-test-0000";

    private readonly ConcurrentDictionary<string, JsonObject> _batches = new();
    private readonly ConcurrentDictionary<string, List<string>> _inputs = new();
    private readonly ConcurrentDictionary<string, string> _results = new();
    private int _next;

    private FakeAnthropic(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    /// <summary>The batch is created but the answer is lost (a 500 comes back), as in a crash between accept and record.</summary>
    public bool LoseCreateAnswer { get; set; }

    public string DataRoot { get; } = Path.Combine(Path.GetTempPath(), "controlplane-anthropic-tests", Guid.NewGuid().ToString("N"));

    public Func<IResult> Messages { get; set; } = () => FakeResponses.Json(Message("Paris.", 21, 2));

    public static async Task<FakeAnthropic> StartAsync()
    {
        FakeAnthropic? fake = null;
        var server = await LoopbackServer.StartAsync(app => Map(app, () => fake!));
        fake = new FakeAnthropic(server);
        return fake;
    }

    public AnthropicProvider Provider()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{AnthropicOptions.SectionName}:ApiKey"] = ApiKey,
            [$"{AnthropicOptions.SectionName}:BaseUrl"] = Server.BaseAddress.ToString(),
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton(new DataPaths(DataRoot));
        services.AddAnthropicProvider(configuration);
        return (AnthropicProvider)services.BuildServiceProvider().GetServices<IInferenceProvider>().Single();
    }

    public static object Message(string text, int inputTokens, int outputTokens, string stopReason = "end_turn") => new
    {
        id = "msg_01XFDUDYJgAACzvnptvVoYEL",
        type = "message",
        role = "assistant",
        model = "claude-sonnet-4-5",
        content = new[] { new { type = "text", text } },
        stop_reason = stopReason,
        stop_sequence = (string?)null,
        usage = new { input_tokens = inputTokens, output_tokens = outputTokens },
    };

    public IReadOnlyList<string> InputCustomIds(string batchId) => _inputs[batchId];

    /// <summary>Sets the batch's counts; <paramref name="resultLines"/> (in any order) end it and publish <c>results_url</c>.</summary>
    public void Advance(string id, string processingStatus, int processing, int succeeded, int errored, int canceled, int expired, IEnumerable<string>? resultLines = null)
    {
        var batch = _batches[id];
        batch["processing_status"] = processingStatus;
        batch["request_counts"] = new JsonObject { ["processing"] = processing, ["succeeded"] = succeeded, ["errored"] = errored, ["canceled"] = canceled, ["expired"] = expired };
        if (resultLines is not null)
        {
            _results[id] = string.Join("\n", resultLines) + "\n";
            batch["ended_at"] = "2026-01-05T10:00:00Z";
            batch["results_url"] = new Uri(Server.BaseAddress, $"/v1/messages/batches/{id}/results").ToString();
        }
    }

    public static string Succeeded(string customId, string text, int inputTokens, int outputTokens) =>
        JsonSerializer.Serialize(new { custom_id = customId, result = new { type = "succeeded", message = Message(text, inputTokens, outputTokens) } });

    public static string Errored(string customId, string errorType, string message) =>
        JsonSerializer.Serialize(new { custom_id = customId, result = new { type = "errored", error = new { type = "error", error = new { type = errorType, message } } } });

    public static string Ended(string customId, string type) => JsonSerializer.Serialize(new { custom_id = customId, result = new { type } });

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (Directory.Exists(DataRoot))
        {
            Directory.Delete(DataRoot, recursive: true);
        }
    }

    private static void Map(WebApplication app, Func<FakeAnthropic> fake)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Request.Headers;
            if (headers["x-api-key"] != ApiKey && headers.Authorization != $"Bearer {ApiKey}")
            {
                await FakeResponses.Json(new { type = "error", error = new { type = "authentication_error", message = "invalid x-api-key" } }, 401)
                    .ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        app.MapPost("/v1/messages", () => fake().Messages());
        app.MapPost("/v1/messages/batches", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var customIds = body["requests"]!.AsArray().Select(r => r!["custom_id"]!.GetValue<string>()).ToList();
            var id = $"msgbatch_{Interlocked.Increment(ref fake()._next):D4}";
            fake()._inputs[id] = customIds;
            var batch = new JsonObject
            {
                ["id"] = id, ["type"] = "message_batch", ["processing_status"] = "in_progress",
                ["request_counts"] = new JsonObject { ["processing"] = customIds.Count, ["succeeded"] = 0, ["errored"] = 0, ["canceled"] = 0, ["expired"] = 0 },
                ["ended_at"] = null, ["created_at"] = DateTimeOffset.UtcNow.AddSeconds(fake()._next).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), ["expires_at"] = "2026-01-06T09:00:00Z",
                ["archived_at"] = null, ["cancel_initiated_at"] = null, ["results_url"] = null,
            };
            fake()._batches[id] = batch;
            return fake().LoseCreateAnswer
                ? new RawResult(500, """{"type":"error","error":{"type":"api_error","message":"Internal server error"}}""")
                : Results.Text(batch.ToJsonString(), "application/json");
        });
        app.MapGet("/v1/messages/batches/{id}", (string id) =>
            fake()._batches.TryGetValue(id, out var batch) ? Results.Text(batch.ToJsonString(), "application/json") : NotFound(id));
        app.MapGet("/v1/messages/batches/{id}/results", (string id) =>
            fake()._results.TryGetValue(id, out var lines) ? Results.Text(lines, "application/binary") : NotFound(id));
        app.MapPost("/v1/messages/batches/{id}/cancel", (string id) =>
        {
            if (!fake()._batches.TryGetValue(id, out var batch))
            {
                return NotFound(id);
            }
            batch["processing_status"] = "canceling";
            batch["cancel_initiated_at"] = "2026-01-05T09:30:00Z";
            return Results.Text(batch.ToJsonString(), "application/json");
        });
        app.MapGet("/v1/messages/batches", (int? limit, string? after_id) =>
        {
            var newestFirst = fake()._batches.Values.OrderByDescending(b => b["created_at"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
            var start = after_id is null ? 0 : newestFirst.FindIndex(b => b["id"]!.GetValue<string>() == after_id) + 1;
            var page = newestFirst.Skip(start).Take(limit ?? 20).ToList();
            var list = new JsonObject
            {
                ["data"] = new JsonArray([.. page.Select(b => b.DeepClone())]),
                ["has_more"] = start + page.Count < newestFirst.Count,
                ["first_id"] = page.FirstOrDefault()?["id"]?.DeepClone(), ["last_id"] = page.LastOrDefault()?["id"]?.DeepClone(),
            };
            return Results.Text(list.ToJsonString(), "application/json");
        });
    }

    private static IResult NotFound(string id) =>
        FakeResponses.Json(new { type = "error", error = new { type = "not_found_error", message = $"No batch with id {id}" } }, 404);
}
