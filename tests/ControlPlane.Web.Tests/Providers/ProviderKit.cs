using System.Net;
using System.Text;
using ControlPlane.Domain.Abstractions;
using ControlPlane.Jobs.Providers;
using ControlPlane.Jobs.Providers.Simulator;
using ControlPlane.Web.Features.Audit;
using ControlPlane.Web.Features.Providers;
using ControlPlane.Web.Tests.Infrastructure;
using ControlPlane.Web.Tests.Workloads;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Web.Tests.Providers;

/// <summary>The real store, protector, adapter factory and registry over a seeded in-memory database; HTTP answered by <see cref="Answer"/>.</summary>
public sealed class ProviderKit : IDisposable
{
    public const string Key = "sk-test-SECRET-1234567890";

    private ProviderKit(InMemoryDatabase database, FakeTimeProvider clock)
    {
        Database = database;
        Clock = clock;
        Protector = new ProviderSecretProtector(new EphemeralDataProtectionProvider());
        var paths = new DataPaths(Path.Combine(Path.GetTempPath(), "controlplane-tests", Guid.NewGuid().ToString("N")));
        Adapters = new ConnectionAdapterFactory(new StubHandlers(this), clock, paths);
        Registry = new ProviderRegistry([], Options.Create(new SimulatorOptions()), paths, clock, database, Protector, Adapters);
        Store = new ProviderConnectionStore(database, Protector, Adapters, Registry, new PlaceholderActor(), clock);
    }

    public InMemoryDatabase Database { get; }
    public FakeTimeProvider Clock { get; }
    public ProviderSecretProtector Protector { get; }
    public ConnectionAdapterFactory Adapters { get; }
    public ProviderRegistry Registry { get; }
    public ProviderConnectionStore Store { get; }

    /// <summary>What every provider call gets back; the requests are kept in <see cref="Requests"/>.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage> Answer { get; set; } = _ => new HttpResponseMessage(HttpStatusCode.InternalServerError);

    public List<HttpRequestMessage> Requests { get; } = [];

    public static async Task<ProviderKit> CreateAsync(CancellationToken cancellationToken)
    {
        var clock = DemoData.Clock();
        return new ProviderKit(await DemoData.SeededDatabaseAsync(clock, cancellationToken), clock);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public void Dispose() => Database.Dispose();

    private sealed class StubHandlers(ProviderKit kit) : IHttpMessageHandlerFactory
    {
        public HttpMessageHandler CreateHandler(string name) => new Stub(kit);
    }

    private sealed class Stub(ProviderKit kit) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            kit.Requests.Add(request);
            return Task.FromResult(kit.Answer(request));
        }
    }
}
