using LandRegister.Api.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace LandRegister.Api.Docs;

public static class ApiDocs
{
    /// <summary>
    /// Two documents in OpenAPI 3.0, the version the OGC API's <c>oas30</c> conformance class names: <c>v1</c>, the
    /// whole API, and <c>ogc</c>, the OGC API – Features part alone (the landing page's service-desc). The build
    /// writes both to openapi/ in the same version (the csproj's --openapi-version).
    /// </summary>
    public static IServiceCollection AddRegisterOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", Describe).AddOpenApi("ogc", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("ogc", StringComparison.Ordinal) == true;
            Describe(o);
        });

    static void Describe(Microsoft.AspNetCore.OpenApi.OpenApiOptions o)
    {
        o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "LandRegister";
            doc.Info.Version = "v1";
            doc.Info.Description =
                "The register of idle and low-efficiency land of development zones: parcels, their status and use, " +
                "zones and parks. GeoJSON per RFC 7946; errors as RFC 9457 problem details; ETag and If-Match on writes. " +
                "Authenticate with an API key in the X-Api-Key header; each operation names the permission it needs. " +
                "Every date (yyyy-MM-dd) lies from 1949-10-01 to 100 years from today; a date that must have come " +
                "(an effective date, asOf, recordedAsOf, a payment) is also not after today: outside, 400 or 422 naming the field.";
            doc.Servers?.Clear();
            DocumentContract.Complete(doc);
            doc.Components!.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthentication.Header,
                Description = "An API key. Roles: admin, planner, promoter, analyst, viewer.",
            };
            return Task.CompletedTask;
        });
        // Dates are read by the register's own converter (RegisterDateConverter), which the generator cannot see into.
        o.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if (Nullable.GetUnderlyingType(type) is { } inner && inner == typeof(DateOnly))
                (schema.Type, schema.Format) = (JsonSchemaType.String | JsonSchemaType.Null, "date");
            else if (type == typeof(DateOnly)) (schema.Type, schema.Format) = (JsonSchemaType.String, "date");
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
            var permissions = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
            if (permissions.Count == 0) return Task.CompletedTask;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, context.Document)] = [],
            });
            operation.Description = $"Needs the permission {string.Join(" and ", permissions)}. {operation.Description}".TrimEnd();
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(DocumentContract.AddRefusals);
        o.AddOperationTransformer(DocumentContract.AddExportFiles);
    }

    /// <summary>The OpenAPI document at /openapi/v1.json and a docs page over it at /docs.</summary>
    public static WebApplication MapDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous().DisableRateLimiting();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "LandRegister v1");
            o.DocumentTitle = "LandRegister API";
        });
        return app;
    }
}

/// <summary>
/// A request body described in the OpenAPI document only. Declaring it with <c>Accepts</c> would let routing answer 415
/// to another content type before the caller is authenticated; the handlers check the type themselves, after.
/// </summary>
public static class DescribedBody
{
    /// <summary>The operation takes a file as its body: one of <paramref name="mediaTypes"/> (a JSON one is a GeoJSON FeatureCollection).</summary>
    public static RouteHandlerBuilder TakesFile(this RouteHandlerBuilder builder, string description, params string[] mediaTypes) =>
        builder.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true, Description = description,
                Content = mediaTypes.ToDictionary(t => t, t => new OpenApiMediaType
                {
                    Schema = t.EndsWith("json", StringComparison.Ordinal)
                        ? new OpenApiSchemaReference(DocumentContract.FeatureCollection, context.Document)
                        : new OpenApiSchema
                        {
                            Type = t == "multipart/form-data" ? JsonSchemaType.Object : JsonSchemaType.String,
                            Format = t.StartsWith("text/", StringComparison.Ordinal) || t == "multipart/form-data" ? null : "binary",
                        },
                }),
            };
            return Task.CompletedTask;
        });
}
