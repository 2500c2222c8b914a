using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ControlPlane.Web.Features.ApiDocs;

public sealed partial class ApiDocsPage
{
    private sealed record Operation(string Method, string Path, string? Summary, string? Description, string? RequestSchema,
        IReadOnlyList<(string Status, string Text)> Responses);

    [Inject] private IServiceProvider Services { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    private List<Operation>? _operations;
    private string? _error;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            // The document comes from the same generator that serves /openapi/v1.json, in process: no HTTP, no CDN.
            var provider = Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1");
            var document = await provider.GetOpenApiDocumentAsync();
            using var writer = new StringWriter();
            document.SerializeAsV31(new OpenApiJsonWriter(writer));
            _operations = Parse(JsonDocument.Parse(writer.ToString()).RootElement);
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException)
        {
            _error = $"The OpenAPI document could not be produced: {ex.Message}";
        }
    }

    private static List<Operation> Parse(JsonElement root)
    {
        var list = new List<Operation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                var body = op.Value.TryGetProperty("requestBody", out var rb) ? Describe(root, rb) : null;
                var responses = op.Value.TryGetProperty("responses", out var rs)
                    ? rs.EnumerateObject().Select(r => (r.Name, r.Value.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "")).ToList()
                    : [];
                list.Add(new Operation(op.Name.ToUpperInvariant(), path.Name, Text(op.Value, "summary"), Text(op.Value, "description"), body, responses));
            }
        }
        return list;
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    /// <summary>The request body's schema with component references resolved one level deep, as indented JSON.</summary>
    private static string Describe(JsonElement root, JsonElement requestBody)
    {
        var schema = requestBody.GetProperty("content").EnumerateObject().First().Value.GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference) && reference.GetString() is { } r && r.StartsWith("#/components/schemas/", StringComparison.Ordinal)
            && root.GetProperty("components").GetProperty("schemas").TryGetProperty(r["#/components/schemas/".Length..], out var resolved))
        {
            schema = resolved;
        }
        return JsonSerializer.Serialize(schema, new JsonSerializerOptions { WriteIndented = true });
    }
}
