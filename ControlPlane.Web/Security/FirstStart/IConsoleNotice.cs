namespace ControlPlane.Web.Security.FirstStart;

/// <summary>
/// The one deliberate place a secret is written: a generated first-start password, printed once to the
/// process's standard output. It bypasses ILogger on purpose, so the secret never reaches a log provider,
/// file or exporter; the ILogger line beside it names the account but never the password.
/// </summary>
public interface IConsoleNotice
{
    void Show(string message);
}

public sealed class StandardOutputNotice : IConsoleNotice
{
    public void Show(string message)
    {
        var rule = new string('=', 78);
        Console.Out.WriteLine($"{rule}{Environment.NewLine}{message}{Environment.NewLine}{rule}");
        Console.Out.Flush();
    }
}
