namespace ControlPlane.Domain.Abstractions;

/// <summary>
/// Where the embedded default keeps its files: SQLite databases, Hangfire storage, the key ring and the
/// Simulator's batch files. <see cref="Root"/> is absolute and exists once the host has started.
/// </summary>
public sealed record DataPaths(string Root)
{
    public string File(string name) => Path.Combine(Root, name);

    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }
}
