namespace LandRegister.Api.Infrastructure;

public static class Docs
{
    public static IServiceCollection AddRegisterOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "LandRegister";
            doc.Info.Version = "v1";
            doc.Info.Description =
                "The register of idle and low-efficiency land of development zones: parcels, their status and use, " +
                "zones and parks. GeoJSON per RFC 7946; errors as RFC 9457 problem details; ETag and If-Match on writes.";
            doc.Servers?.Clear();
            return Task.CompletedTask;
        }));

    /// <summary>The OpenAPI document at /openapi/v1.json and a docs page over it at /docs.</summary>
    public static WebApplication MapDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "LandRegister v1");
            o.DocumentTitle = "LandRegister API";
        });
        return app;
    }
}
