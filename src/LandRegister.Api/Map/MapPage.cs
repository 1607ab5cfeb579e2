using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace LandRegister.Api.Map;

/// <summary>
/// The map page at <c>/</c>: static files from wwwroot, and MapLibre GL from the npm install in <c>web/</c> (never
/// committed) under <c>/vendor/maplibre-gl/</c>. The page holds no data: it asks the API, with the user's key, for
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
        var vendor = MapLibreDirectory(app.Configuration, app.Environment);
        if (vendor is null)
            app.Logger.LogWarning("MapLibre GL is not installed (web/node_modules/maplibre-gl); the map page will say so. Run `npm ci` in web/ or set Map:MapLibreDirectory.");
        else
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(vendor), RequestPath = "/vendor/maplibre-gl", OnPrepareResponse = Headers,
            });
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
    /// <c>Map:MapLibreDirectory</c>, else the <c>dist</c> folder of maplibre-gl in <c>web/node_modules</c> of the first
    /// folder above the content root (or the program) that has one.
    /// </summary>
    static string? MapLibreDirectory(IConfiguration config, IWebHostEnvironment env)
    {
        if (config["Map:MapLibreDirectory"] is { Length: > 0 } configured) return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        foreach (var start in new[] { env.ContentRootPath, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "web", "node_modules", "maplibre-gl", "dist");
                if (File.Exists(Path.Combine(candidate, "maplibre-gl.js"))) return candidate;
            }
        }
        return null;
    }
}
