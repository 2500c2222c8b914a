using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ControlPlane.Web.Hosting;

public static class RootConfiguration
{
    public const string FileName = "appsettings.json";

    /// <summary>
    /// The app reads exactly one configuration file: <c>appsettings.json</c> at the repository root, which
    /// the build copies next to the binaries. It takes the place of the content-root appsettings files
    /// (there are none), at the same precedence, so environment variables (<c>ControlPlane__DataDirectory</c>)
    /// and the command line still override it.
    /// </summary>
    public static WebApplicationBuilder UseRootAppSettings(this WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        var defaults = sources.OfType<JsonConfigurationSource>()
            .Where(s => s.Path?.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) == true)
            .ToList();
        var position = defaults.Count > 0 ? sources.IndexOf(defaults[0]) : 0;
        foreach (var source in defaults)
        {
            sources.Remove(source);
        }
        sources.Insert(position, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Path = FileName,
            Optional = false,
            ReloadOnChange = false,
        });
        return builder;
    }
}
