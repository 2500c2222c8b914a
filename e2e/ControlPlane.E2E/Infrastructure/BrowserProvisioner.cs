using System.Diagnostics;
using Microsoft.Playwright;

namespace ControlPlane.E2E.Infrastructure;

/// <summary>
/// Finds a Chromium to drive, or provisions one, and says what it did on stderr and in
/// <c>artifacts/browser-provisioning.txt</c>: a failed e2e run must show whether the browser or the app was at fault.
/// Order: <c>CHROMIUM_PATH</c>, <c>/usr/bin/chromium</c>, apt-get (as root), then Playwright's own download.
/// </summary>
public static class BrowserProvisioner
{
    public const string SystemChromium = "/usr/bin/chromium";

    public static readonly string[] LaunchArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private static readonly SemaphoreSlim InProcess = new(1, 1);
    private static readonly string LockPath = Path.Combine(Path.GetTempPath(), "controlplane-e2e-browser.lock");
    private static readonly object LogGate = new();
    private static bool _logStarted;

    /// <summary>The options to launch with: an <c>ExecutablePath</c>, or none when Playwright downloaded its own build.</summary>
    public static async Task<BrowserTypeLaunchOptions> ProvisionAsync(CancellationToken cancellationToken)
    {
        await InProcess.WaitAsync(cancellationToken);
        try
        {
            // Parallel test processes (or classes in other assemblies) must not run apt-get or the download twice at once.
            await using var fileLock = await AcquireFileLockAsync(cancellationToken);
            var executable = await FindOrInstallAsync(cancellationToken);
            return new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = LaunchArgs };
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static async Task<string?> FindOrInstallAsync(CancellationToken cancellationToken)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            if (File.Exists(fromEnvironment))
            {
                Say($"using CHROMIUM_PATH={fromEnvironment}");
                return fromEnvironment;
            }
            Say($"CHROMIUM_PATH={fromEnvironment} does not exist; looking elsewhere");
        }
        if (File.Exists(SystemChromium))
        {
            Say($"using the system Chromium at {SystemChromium}");
            return SystemChromium;
        }

        var aptGet = new[] { "/usr/bin/apt-get", "/bin/apt-get" }.FirstOrDefault(File.Exists);
        if (Environment.UserName == "root" && aptGet is not null)
        {
            Say($"{SystemChromium} is missing; installing chromium and fonts-dejavu-core with apt-get");
            string[] install = ["-o", "DPkg::Lock::Timeout=300", "install", "-y", "--no-install-recommends", "chromium", "fonts-dejavu-core"];
            if (await RunAsync(aptGet, install, cancellationToken) != 0)
            {
                Say("apt-get install failed; running apt-get update and trying again");
                await RunAsync(aptGet, ["-o", "DPkg::Lock::Timeout=300", "update"], cancellationToken);
                await RunAsync(aptGet, install, cancellationToken);
            }
            if (File.Exists(SystemChromium))
            {
                Say($"installed with apt-get; using {SystemChromium}");
                return SystemChromium;
            }
            Say("apt-get did not produce /usr/bin/chromium");
        }
        else
        {
            Say($"{SystemChromium} is missing and apt-get is not usable here (user {Environment.UserName}, apt-get {(aptGet is null ? "absent" : "present")})");
        }

        Say("falling back to `playwright install chromium` (needs internet access to Playwright's CDN)");
        var exitCode = Microsoft.Playwright.Program.Main(["install", "chromium"]);
        Say(exitCode == 0
            ? "playwright install chromium succeeded; launching Playwright's own Chromium"
            : $"playwright install chromium failed with exit code {exitCode}; the launch below will say why");
        return null;
    }

    private static async Task<int> RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var tail = string.Join(Environment.NewLine, (await output + await errors)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(5));
        Say($"{fileName} {string.Join(' ', arguments)} -> exit {process.ExitCode}{Environment.NewLine}{tail}");
        return process.ExitCode;
    }

    private static async Task<FileStream> AcquireFileLockAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    private static void Say(string line)
    {
        var stamped = $"[browser] {DateTimeOffset.Now:HH:mm:ss} {line}";
        Console.Error.WriteLine(stamped);
        lock (LogGate)
        {
            var path = Path.Combine(Artifacts.Root, "browser-provisioning.txt");
            // Each run starts the file afresh so it describes the latest run only.
            if (!_logStarted)
            {
                File.WriteAllText(path, "");
                _logStarted = true;
            }
            File.AppendAllText(path, stamped + Environment.NewLine);
        }
    }
}
