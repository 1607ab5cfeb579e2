using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace LandRegister.Api.Map;

/// <summary>
/// The map page at <c>/</c>: static files from wwwroot, and from the npm install in <c>web/</c> (never committed)
/// MapLibre GL under <c>/vendor/maplibre-gl/</c> and Apache ECharts (the dashboard's charts) under <c>/vendor/echarts/</c>. The page holds no data: it asks the API, with the user's key, for
/// tiles and JSON, so serving it without a key reveals nothing. Static files are not endpoints and answer before
/// authentication.
/// </summary>
public static class MapPage
{
    const string Policy =
        "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src blob:; img-src 'self' data: blob:; " +
        "style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseMapPage(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = Headers });
        foreach (var (package, script, setting) in new[] { ("maplibre-gl", "maplibre-gl.js", "MapLibreDirectory"), ("echarts", "echarts.min.js", "EChartsDirectory") })
        {
            var vendor = VendorDirectory(app.Configuration, app.Environment, package, script, setting);
            if (vendor is null)
                app.Logger.LogWarning("{Package} is not installed (web/node_modules/{Package}); the map page will say so. Run `npm ci` in web/ or set Map:{Setting}.",
                    package, package, setting);
            else
                app.UseStaticFiles(new StaticFileOptions
                {
                    FileProvider = new PhysicalFileProvider(vendor), RequestPath = $"/vendor/{package}", OnPrepareResponse = Headers,
                });
        }
        return app;
    }

    static void Headers(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (context.File.Name.EndsWith(".html", StringComparison.Ordinal)) headers.ContentSecurityPolicy = Policy;
    }

    /// <summary>
    /// <c>Map:{setting}</c>, else the <c>dist</c> folder of <paramref name="package"/> in <c>web/node_modules</c> of the
    /// first folder above the content root (or the program) that has one.
    /// </summary>
    static string? VendorDirectory(IConfiguration config, IWebHostEnvironment env, string package, string script, string setting)
    {
        if (config[$"Map:{setting}"] is { Length: > 0 } configured) return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        foreach (var start in new[] { env.ContentRootPath, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "web", "node_modules", package, "dist");
                if (File.Exists(Path.Combine(candidate, script))) return candidate;
            }
        }
        return null;
    }
}
