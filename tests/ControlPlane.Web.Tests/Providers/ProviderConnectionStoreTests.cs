using System.Net;
using ControlPlane.Domain.Providers;
using ControlPlane.Jobs.Providers.OpenAI;
using ControlPlane.Web.Features.Providers;
using Microsoft.EntityFrameworkCore;

namespace ControlPlane.Web.Tests.Providers;

public sealed class ProviderConnectionStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ConnectionDraft OpenAI(string? key = ProviderKit.Key) => new()
    {
        Provider = ProviderIds.OpenAI, Name = "OpenAI production", NewSecret = key, RequestsPerMinute = 500,
        Settings = new() { ["BaseUrl"] = "https://api.openai.com/v1", ["Project"] = "proj_cp" },
    };

    [Fact]
    public async Task Save_StoresTheKeyEncrypted_AndTheAuditSaysOnlyReplacedOrCleared()
    {
        using var kit = await ProviderKit.CreateAsync(Ct);

        Assert.Empty(await kit.Store.SaveAsync(OpenAI(), Ct));
        var draft = OpenAI(key: null);
        draft.Enabled = false;
        draft.ClearSecret = true;
        Assert.Empty(await kit.Store.SaveAsync(draft, Ct));

        await using var db = kit.Database.CreateDbContext();
        var audit = await db.AuditEntries.Where(e => e.EntityType == nameof(ProviderConnection)).ToListAsync(Ct);
        Assert.Equal(["provider-connection.create", "provider-connection.update"], audit.Select(e => e.Action).Order());
        var created = audit.Single(e => e.Action == "provider-connection.create").Changes;
        Assert.Contains(created, c => c is { Field: "API key", After: "replaced" });
        Assert.Contains(created, c => c is { Field: "Project", Before: null, After: "proj_cp" });
        Assert.Contains(audit.Single(e => e.Action == "provider-connection.update").Changes, c => c is { Field: "API key", After: "cleared" });
        Assert.DoesNotContain(audit.SelectMany(e => e.Changes), c => $"{c.Before}{c.After}".Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Save_TheDatabaseColumnHoldsCiphertextThatOnlyTheKeyRingOpens()
    {
        using var kit = await ProviderKit.CreateAsync(Ct);

        Assert.Empty(await kit.Store.SaveAsync(OpenAI(), Ct));

        await using var db = kit.Database.CreateDbContext();
        var stored = await db.Database.SqlQueryRaw<string>("SELECT ProtectedSecret AS Value FROM ProviderConnections").SingleAsync(Ct);
        Assert.DoesNotContain("SECRET", stored, StringComparison.Ordinal);
        Assert.Equal(ProviderKit.Key, kit.Protector.Reveal(stored));
        Assert.DoesNotContain((await kit.Store.LoadAsync(Ct)).Single().Settings.Values, v => v.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Save_EnabledWithoutKeyOrWithBadUrlOrCapacity_IsRefusedAndNothingIsStored()
    {
        using var kit = await ProviderKit.CreateAsync(Ct);

        var noKey = await kit.Store.SaveAsync(OpenAI(key: null), Ct);
        Assert.Equal("Enter the API key, or switch the connection off.", noKey[ProviderConnectionStore.SecretField]);

        var bad = OpenAI();
        bad.Settings["BaseUrl"] = "not a url";
        bad.RequestsPerMinute = 0;
        var errors = await kit.Store.SaveAsync(bad, Ct);
        Assert.Contains("whole number", errors[nameof(ConnectionDraft.RequestsPerMinute)]);

        bad.RequestsPerMinute = 10;
        Assert.Contains("BaseUrl", (await kit.Store.SaveAsync(bad, Ct))[nameof(ConnectionDraft.Settings)]);

        await using var db = kit.Database.CreateDbContext();
        Assert.False(await db.ProviderConnections.AnyAsync(Ct));
        Assert.False(await db.AuditEntries.AnyAsync(Ct));
    }

    [Fact]
    public async Task Save_VertexWithAnApiKeyInsteadOfAServiceAccountKey_IsRefusedWithAMessageNamingTheKeyType()
    {
        using var kit = await ProviderKit.CreateAsync(Ct);
        var draft = new ConnectionDraft
        {
            Provider = ProviderIds.VertexAI, Name = "Vertex europe", NewSecret = "AIza-not-a-service-account",
            Settings = new() { ["ProjectId"] = "acme-ml", ["Location"] = "europe-west4", ["Bucket"] = "acme-batches" },
        };

        var errors = await kit.Store.SaveAsync(draft, Ct);

        Assert.Contains("service-account JSON key", string.Join(" ", errors.Values), StringComparison.Ordinal);
        await using (var db = kit.Database.CreateDbContext())
        {
            Assert.False(await db.ProviderConnections.AnyAsync(Ct));
        }

        draft.NewSecret = """{"type":"service_account","project_id":"acme-ml","client_email":"cp@acme-ml.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"}""";
        Assert.Empty(await kit.Store.SaveAsync(draft, Ct));
    }

    [Fact]
    public async Task Registry_WithAnEnabledSavedConnection_ServesTheRealAdapter_AndTheSimulatorAfterDelete()
    {
        using var kit = await ProviderKit.CreateAsync(Ct);
        Assert.True(kit.Registry.Get(ProviderIds.OpenAI).IsSimulated);

        Assert.Empty(await kit.Store.SaveAsync(OpenAI(), Ct));

        var served = kit.Registry.Get(ProviderIds.OpenAI);
        Assert.IsType<OpenAIProvider>(served);
        Assert.False(served.IsSimulated);
        Assert.Same(served, kit.Registry.Get(ProviderIds.OpenAI));

        Assert.True(await kit.Store.DeleteAsync(ProviderIds.OpenAI, Ct));
        Assert.True(kit.Registry.Get(ProviderIds.OpenAI).IsSimulated);
        await using var db = kit.Database.CreateDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "provider-connection.delete", Ct));
    }

    [Fact]
    public async Task Registry_WithASwitchedOffConnection_KeepsTheSimulator()
    {
        using var kit = await ProviderKit.CreateAsync(Ct);
        var draft = OpenAI();
        draft.Enabled = false;

        Assert.Empty(await kit.Store.SaveAsync(draft, Ct));

        Assert.True(kit.Registry.Get(ProviderIds.OpenAI).IsSimulated);
    }

    [Fact]
    public async Task Test_WithARefusedKey_ShowsTheErrorClassWithoutTheKey()
    {
        using var kit = await ProviderKit.CreateAsync(Ct);
        kit.Answer = _ => ProviderKit.Json(HttpStatusCode.Unauthorized,
            $$$"""{"error":{"message":"Incorrect API key provided: {{{ProviderKit.Key}}}.","type":"invalid_request_error","code":"invalid_api_key"}}""");

        var result = await kit.Store.TestAsync(OpenAI(), Ct);

        Assert.False(result.Succeeded);
        Assert.StartsWith("Authentication:", result.Message);
        Assert.DoesNotContain("SECRET", result.Message, StringComparison.Ordinal);
        var call = Assert.Single(kit.Requests);
        Assert.EndsWith("/chat/completions", call.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task Test_WhenTheProviderAnswers_ShowsTheCheapestModelAndLatency()
    {
        using var kit = await ProviderKit.CreateAsync(Ct);
        kit.Answer = _ => ProviderKit.Json(HttpStatusCode.OK, """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"p"},"finish_reason":"length"}],
             "usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}
            """);

        var result = await kit.Store.TestAsync(OpenAI(), Ct);

        Assert.True(result.Succeeded, result.Message);
        await using var db = kit.Database.CreateDbContext();
        var cheapest = (await db.Prices.Where(p => p.Provider == ProviderIds.OpenAI && p.SupportsRealtime).ToListAsync(Ct))
            .MinBy(p => p.InputPerMillion + p.OutputPerMillion)!.Model;
        Assert.Equal(cheapest, result.Model);
        Assert.Matches(@"answered in [\d,]+ ms\.$", result.Message);
    }
}
