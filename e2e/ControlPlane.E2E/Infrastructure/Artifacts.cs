namespace ControlPlane.E2E.Infrastructure;

/// <summary>Where runs leave what a person inspects afterwards: <c>e2e/ControlPlane.E2E/artifacts/</c> (git-ignored).</summary>
public static class Artifacts
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        // The tests run from bin/Debug/net10.0; the artifacts belong next to the project file.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ControlPlane.E2E.csproj")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts")).FullName;
            }
        }
        return Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;
    });

    public static string Root => RootPath.Value;

    public static string Screenshot(string testName) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(Root, "screenshots")).FullName, $"{testName}.png");
}
