using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers.Vertex;
using ControlPlane.Testing.Loopback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlPlane.Testing.Providers.Vertex;

/// <summary>
/// A loopback Google Cloud: the OAuth token endpoint (the service-account key's <c>token_uri</c> points here, so the
/// real Google.Apis.Auth signs a JWT and exchanges it), Vertex AI v1 (<c>generateContent</c>, <c>batchPredictionJobs</c>)
/// and the Cloud Storage JSON API (simple upload, list, <c>alt=media</c> download). Everything but the token endpoint
/// demands the Bearer token it issued.
/// </summary>
public sealed class FakeVertex : IAsyncDisposable
{
    public const string AccessToken = "ya29.fake-vertex-token";
    public const string Project = "acme-ml";
    public const string Location = "europe-west4";
    public const string Bucket = "acme-batches";
    private const string JobsPath = $"/v1/projects/{Project}/locations/{Location}/batchPredictionJobs";

    private readonly ConcurrentDictionary<string, JsonObject> _jobs = new();
    private int _next = 1000;

    private FakeVertex(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public ConcurrentDictionary<string, byte[]> Objects { get; } = new();

    public Func<IResult> Generate { get; set; } = () => FakeResponses.Json(Response("Paris.", 21, 2));

    public static async Task<FakeVertex> StartAsync()
    {
        FakeVertex? fake = null;
        var server = await LoopbackServer.StartAsync(app => Map(app, () => fake!));
        fake = new FakeVertex(server);
        return fake;
    }

    public VertexProvider Provider()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{VertexOptions.SectionName}:ServiceAccountJson"] = ServiceAccountJson(),
            [$"{VertexOptions.SectionName}:ProjectId"] = Project,
            [$"{VertexOptions.SectionName}:Location"] = Location,
            [$"{VertexOptions.SectionName}:BaseUrl"] = Server.BaseAddress.ToString(),
            [$"{VertexOptions.SectionName}:StorageBaseUrl"] = Server.BaseAddress.ToString(),
            [$"{VertexOptions.SectionName}:Bucket"] = Bucket,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddVertexProvider(configuration);
        return (VertexProvider)services.BuildServiceProvider().GetServices<IInferenceProvider>().Single();
    }

    /// <summary>A real, freshly generated service-account key whose token endpoint is this fake.</summary>
    public string ServiceAccountJson()
    {
        using var rsa = RSA.Create(2048);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = Project,
            ["private_key_id"] = "0123456789abcdef",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = $"controlplane@{Project}.iam.gserviceaccount.com",
            ["client_id"] = "100000000000000000001",
            ["token_uri"] = new Uri(Server.BaseAddress, "token").ToString(),
        });
    }

    public static object Response(string text, int promptTokens, int candidatesTokens, string finishReason = "STOP") => new
    {
        candidates = new[] { new { content = new { parts = new[] { new { text } }, role = "model" }, finishReason } },
        usageMetadata = new { promptTokenCount = promptTokens, candidatesTokenCount = candidatesTokens, totalTokenCount = promptTokens + candidatesTokens },
        modelVersion = "gemini-2.5-flash",
    };

    public static object Succeeded(string key, string text, int promptTokens, int candidatesTokens) => new
    {
        key, status = "", processed_time = "2026-01-05T09:20:00.000+00:00",
        request = new { contents = Array.Empty<object>() }, response = Response(text, promptTokens, candidatesTokens),
    };

    /// <summary>A row as Vertex might write it without our top-level key: only the echoed request's label names it.</summary>
    public static object SucceededLabelOnly(string key, string text) => new
    {
        status = "", processed_time = "2026-01-05T09:20:00.000+00:00",
        request = new { contents = Array.Empty<object>(), labels = new Dictionary<string, string> { [VertexWire.KeyLabel] = key } },
        response = Response(text, 5, 1),
    };

    public static object Failed(string key, string status) => new
    {
        key, status, processed_time = "2026-01-05T09:20:00.000+00:00", request = new { contents = Array.Empty<object>() },
    };

    /// <summary>
    /// Sets the job's state and counts; output rows are written as a predictions file under the output directory. A row
    /// given as a string is written as it is (to imitate a damaged line); any other row is serialised as JSON.
    /// </summary>
    public void Advance(string id, string state, int succeeded, int failed, int incomplete = 0, IEnumerable<object>? rows = null)
    {
        var job = _jobs[id];
        job["state"] = state;
        job["completionStats"] = new JsonObject
        {
            ["successfulCount"] = succeeded.ToString(CultureInfo.InvariantCulture),
            ["failedCount"] = failed.ToString(CultureInfo.InvariantCulture),
            ["incompleteCount"] = incomplete.ToString(CultureInfo.InvariantCulture),
        };
        if (rows is not null)
        {
            var prefix = job["outputConfig"]!["gcsDestination"]!["outputUriPrefix"]!.GetValue<string>();
            var directory = $"{prefix}/prediction-model-2026-01-05T09:00:00.000000Z";
            job["outputInfo"] = new JsonObject { ["gcsOutputDirectory"] = directory };
            var name = directory[$"gs://{Bucket}/".Length..] + "/predictions.jsonl";
            Objects[name] = Encoding.UTF8.GetBytes(string.Join("\n", rows.Select(r => r as string ?? JsonSerializer.Serialize(r))) + "\n");
            Objects[directory[$"gs://{Bucket}/".Length..] + "/incremental_predictions.json"] = "{}"u8.ToArray();
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static void Map(WebApplication app, Func<FakeVertex> fake)
    {
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" && form["assertion"].ToString().Split('.').Length == 3
                ? FakeResponses.Json(new { access_token = AccessToken, expires_in = 3600, token_type = "Bearer" })
                : FakeResponses.Json(new { error = "invalid_grant" }, 400);
        });
        app.Use(async (context, next) =>
        {
            if (context.Request.Path != "/token" && context.Request.Headers.Authorization != $"Bearer {AccessToken}")
            {
                await FakeResponses.Json(new { error = new { code = 401, message = "Request had invalid authentication credentials.", status = "UNAUTHENTICATED" } }, 401).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        app.MapPost($"/v1/projects/{Project}/locations/{Location}/publishers/google/models/{{modelAndMethod}}", () => fake().Generate());
        app.MapPost("/upload/storage/v1/b/{bucket}/o", async (string bucket, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var name = request.Query["name"].ToString();
            fake().Objects[name] = body.ToArray();
            return FakeResponses.Json(new { kind = "storage#object", bucket, name, size = body.Length.ToString(CultureInfo.InvariantCulture) });
        });
        app.MapGet("/storage/v1/b/{bucket}/o", (string bucket, string prefix) => FakeResponses.Json(new
        {
            kind = "storage#objects",
            items = fake().Objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                .Select(name => new { kind = "storage#object", bucket, name }).ToArray(),
        }));
        app.MapGet("/storage/v1/b/{bucket}/o/{**name}", (string name, string alt) =>
            alt == "media" && fake().Objects.TryGetValue(Uri.UnescapeDataString(name), out var bytes)
                ? Results.Bytes(bytes, "application/octet-stream")
                : FakeResponses.Json(new { error = new { code = 404, message = "No such object.", status = "NOT_FOUND" } }, 404));
        app.MapPost(JobsPath, async (HttpRequest request) =>
        {
            var job = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var id = Interlocked.Increment(ref fake()._next).ToString(CultureInfo.InvariantCulture);
            job["name"] = $"projects/123456789/locations/{Location}/batchPredictionJobs/{id}";
            job["state"] = "JOB_STATE_PENDING";
            job["createTime"] = "2026-01-05T09:00:00Z";
            fake()._jobs[id] = job;
            return Results.Text(job.ToJsonString(), "application/json");
        });
        app.MapGet(JobsPath, () => Results.Text(new JsonObject
        {
            ["batchPredictionJobs"] = new JsonArray([.. fake()._jobs.OrderByDescending(j => j.Key, StringComparer.Ordinal).Select(j => j.Value.DeepClone())]),
        }.ToJsonString(), "application/json"));
        app.MapGet(JobsPath + "/{id}", (string id) =>
            fake()._jobs.TryGetValue(id, out var job) ? Results.Text(job.ToJsonString(), "application/json") : NotFound(id));
        app.MapPost(JobsPath + "/{idAndMethod}", (string idAndMethod) =>
        {
            var id = idAndMethod.Split(':')[0];
            if (!fake()._jobs.TryGetValue(id, out var job))
            {
                return NotFound(id);
            }
            job["state"] = "JOB_STATE_CANCELLING";
            return Results.Text("{}", "application/json");
        });
    }

    private static IResult NotFound(string id) =>
        FakeResponses.Json(new { error = new { code = 404, message = $"BatchPredictionJob {id} not found.", status = "NOT_FOUND" } }, 404);
}
