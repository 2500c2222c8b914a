using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Gemini;
using ControlPlane.Testing.Loopback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Testing.Providers.Gemini;

/// <summary>
/// A loopback Gemini API (v1beta): <c>models/{model}:generateContent</c>, <c>models/{model}:batchGenerateContent</c>,
/// <c>batches/{id}</c>, <c>batches/{id}:cancel</c> and <c>batches</c>, answering batches as long-running operations.
/// </summary>
public sealed class FakeGemini : IAsyncDisposable
{
    public const string ApiKey = "AIza-test-0000";
    private const string BatchType = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch";

    private readonly ConcurrentDictionary<string, JsonObject> _operations = new();
    private int _next;

    private FakeGemini(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public Func<IResult> Generate { get; set; } = () => FakeResponses.Json(Response("Paris.", 21, 2));

    public static async Task<FakeGemini> StartAsync()
    {
        FakeGemini? fake = null;
        var server = await LoopbackServer.StartAsync(app => Map(app, () => fake!));
        fake = new FakeGemini(server);
        return fake;
    }

    public TimeSpan GenerateDelay { get; set; }

    public GeminiProvider Provider(string timeout = "00:02:00")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{GeminiOptions.SectionName}:ApiKey"] = ApiKey,
            [$"{GeminiOptions.SectionName}:BaseUrl"] = Server.BaseAddress.ToString(),
            [$"{GeminiOptions.SectionName}:Timeout"] = timeout,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddGeminiProvider(configuration);
        return (GeminiProvider)services.BuildServiceProvider().GetServices<IInferenceProvider>().Single();
    }

    /// <summary>A GenerateContentResponse; <paramref name="thoughtsTokens"/> (a thinking model's, billed as output) only when above 0.</summary>
    public static object Response(string text, int promptTokens, int candidatesTokens, string finishReason = "STOP", int thoughtsTokens = 0) => new
    {
        candidates = new[] { new { content = new { parts = new[] { new { text } }, role = "model" }, finishReason, index = 0 } },
        usageMetadata = thoughtsTokens > 0
            ? new Dictionary<string, int>
            {
                ["promptTokenCount"] = promptTokens, ["candidatesTokenCount"] = candidatesTokens, ["thoughtsTokenCount"] = thoughtsTokens,
                ["totalTokenCount"] = promptTokens + candidatesTokens + thoughtsTokens,
            }
            : new Dictionary<string, int>
            {
                ["promptTokenCount"] = promptTokens, ["candidatesTokenCount"] = candidatesTokens, ["totalTokenCount"] = promptTokens + candidatesTokens,
            },
        modelVersion = "gemini-2.5-flash",
    };

    public JsonObject Batch(string id) => _operations[id]["metadata"]!.AsObject();

    /// <summary>Sets state and stats; inline responses (JSON objects) become the operation's response.</summary>
    public void Advance(string id, string state, int succeeded, int failed, IEnumerable<object>? inlinedResponses = null)
    {
        var operation = _operations[id];
        var batch = operation["metadata"]!.AsObject();
        var total = int.Parse(batch["batchStats"]!["requestCount"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        batch["state"] = state;
        batch["batchStats"] = new JsonObject
        {
            ["requestCount"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["successfulRequestCount"] = succeeded.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["failedRequestCount"] = failed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["pendingRequestCount"] = (total - succeeded - failed).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        operation["done"] = state is "BATCH_STATE_SUCCEEDED" or "BATCH_STATE_FAILED" or "BATCH_STATE_CANCELLED" or "BATCH_STATE_EXPIRED";
        if (inlinedResponses is not null)
        {
            operation["response"] = new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatchOutput",
                ["inlinedResponses"] = new JsonObject { ["inlinedResponses"] = JsonSerializer.SerializeToNode(inlinedResponses) },
            };
        }
    }

    public static object Succeeded(string key, string text, int promptTokens, int candidatesTokens, int thoughtsTokens = 0) =>
        new { response = Response(text, promptTokens, candidatesTokens, thoughtsTokens: thoughtsTokens), metadata = new { key } };

    /// <summary>An inline response without its metadata: only its position (responses come in input order) names its request.</summary>
    public static object SucceededWithoutKey(string text, int promptTokens, int candidatesTokens) =>
        new { response = Response(text, promptTokens, candidatesTokens) };

    /// <summary>The <c>metadata.key</c> values of the batch's inline requests, in input order.</summary>
    public IReadOnlyList<string> InputKeys(string id) =>
        [.. Batch(id)["inputConfig"]!["requests"]!["requests"]!.AsArray().Select(r => r!["metadata"]!["key"]!.GetValue<string>())];

    public static object Failed(string key, int grpcCode, string message) =>
        new { error = new { code = grpcCode, message }, metadata = new { key } };

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static void Map(WebApplication app, Func<FakeGemini> fake)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers["x-goog-api-key"] != ApiKey)
            {
                await FakeResponses.Json(new { error = new { code = 400, message = "API key not valid. Please pass a valid API key.", status = "INVALID_ARGUMENT" } }, 400).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        // ASP.NET routing cannot split "gemini-2.5-flash:generateContent", so one route takes the whole segment.
        app.MapPost("/v1beta/models/{modelAndMethod}", async (string modelAndMethod, HttpRequest request) =>
        {
            var (model, method) = (modelAndMethod[..modelAndMethod.LastIndexOf(':')], modelAndMethod[(modelAndMethod.LastIndexOf(':') + 1)..]);
            if (method == "generateContent")
            {
                await Task.Delay(fake().GenerateDelay);
                return fake().Generate();
            }
            var body = (await JsonNode.ParseAsync(request.Body))!["batch"]!.AsObject();
            var requests = body["inputConfig"]!["requests"]!["requests"]!.AsArray();
            var id = $"batch{Interlocked.Increment(ref fake()._next):D4}";
            var operation = new JsonObject
            {
                ["name"] = $"batches/{id}",
                ["metadata"] = new JsonObject
                {
                    ["@type"] = BatchType, ["model"] = $"models/{model}", ["displayName"] = body["displayName"]!.DeepClone(),
                    ["name"] = $"batches/{id}", ["state"] = "BATCH_STATE_PENDING", ["createTime"] = "2026-01-05T09:00:00Z",
                    ["inputConfig"] = body["inputConfig"]!.DeepClone(),
                    ["batchStats"] = new JsonObject { ["requestCount"] = requests.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ["pendingRequestCount"] = requests.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                },
                ["done"] = false,
            };
            fake()._operations[id] = operation;
            return Results.Text(operation.ToJsonString(), "application/json");
        });
        app.MapGet("/v1beta/batches/{id}", (string id) =>
            fake()._operations.TryGetValue(id, out var operation) ? Results.Text(operation.ToJsonString(), "application/json") : NotFound(id));
        app.MapPost("/v1beta/batches/{idAndMethod}", (string idAndMethod) =>
        {
            var id = idAndMethod.Split(':')[0];
            if (!fake()._operations.TryGetValue(id, out _))
            {
                return NotFound(id);
            }
            fake().Advance(id, "BATCH_STATE_CANCELLED", 0, 0);
            return Results.Text("{}", "application/json");
        });
        app.MapGet("/v1beta/batches", () =>
        {
            var operations = new JsonArray([.. fake()._operations.OrderByDescending(o => o.Key, StringComparer.Ordinal).Select(o => o.Value.DeepClone())]);
            return Results.Text(new JsonObject { ["operations"] = operations }.ToJsonString(), "application/json");
        });
    }

    private static IResult NotFound(string id) =>
        FakeResponses.Json(new { error = new { code = 404, message = $"Batch batches/{id} not found.", status = "NOT_FOUND" } }, 404);
}
