using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ControlPlane.Benchmarks;

/// <summary>
/// The real app (ControlPlane.Web, Release build) in a process of its own, as it runs in production: its own GC,
/// thread pool and runtime settings, nothing shared with the load generator but the machine. Embedded default with
/// the Simulator at zero latency and zero errors, Hangfire's server off, demo traffic off, a fresh data folder.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;

    public Uri BaseAddress { get; }

    private AppProcess(Process process, string dataDirectory, Uri baseAddress)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    public static async Task<AppProcess> StartAsync(string apiKey, IReadOnlyDictionary<string, string>? extra = null)
    {
        var dll = FindWebDll();
        var port = FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "cp-bench-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var settings = new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{port}", // overrides the Urls of the root appsettings.json
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ControlPlane__DataDirectory"] = dataDirectory,
            ["ControlPlane__Demo__Enabled"] = "true",
            ["ControlPlane__Demo__Traffic__Enabled"] = "false",
            ["ControlPlane__Demo__History__Days"] = "0",
            ["ControlPlane__Jobs__RunServer"] = "false",
            ["ControlPlane__Simulator__RealtimeLatencyMedianMs"] = "0",
            ["ControlPlane__Simulator__RealtimeErrorRate"] = "0",
            ["ControlPlane__BootstrapApiKey"] = apiKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var variable in Environment.GetEnvironmentVariables().Keys.OfType<string>().Where(k => k.StartsWith("BENCH_APP_", StringComparison.Ordinal)))
        {
            // BENCH_APP_X=y sets X=y for the app only (e.g. runtime knobs such as DOTNET_gcServer), to compare settings.
            settings[variable["BENCH_APP_".Length..]] = Environment.GetEnvironmentVariable(variable)!;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  app: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var app = new AppProcess(process, dataDirectory, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} before it was ready.");
            }
            try
            {
                using var ready = await http.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("The app was not ready within 2 minutes.");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Processor time the app has used so far (user + system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: a graceful shutdown, as in production (the writers drain).
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindWebDll()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ControlPlane.sln")))
            {
                var dll = Path.Combine(folder.FullName, "ControlPlane.Web", "bin", "Release", "net10.0", "ControlPlane.Web.dll");
                return File.Exists(dll)
                    ? dll
                    : throw new FileNotFoundException("Build the app in Release first: dotnet build -c Release ControlPlane.Web", dll);
            }
        }
        throw new DirectoryNotFoundException("ControlPlane.sln not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
