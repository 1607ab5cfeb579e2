using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LandRegister.Api.Docs;

/// <summary>
/// What the generator cannot see, added to the OpenAPI document: the problem-details schema and every refusal an
/// operation can answer with it; GeoJSON schemas for the bodies read by hand (Features, FeatureCollections, geometries);
/// inputs whose required members are not nullable.
/// </summary>
static class DocumentContract
{
    public const string Problem = "Problem";
    public const string Geometry = "GeoJsonGeometry";
    public const string Feature = "GeoJsonFeature";
    public const string FeatureCollection = "GeoJsonFeatureCollection";
    const string ProblemJson = "application/problem+json";

    /// <summary>The refusals every operation, or every operation of a kind, can answer with.</summary>
    public static Task AddRefusals(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var method = context.Description.HttpMethod ?? "GET";
        var path = context.Description.RelativePath ?? "";
        var writes = method is "POST" or "PUT" or "PATCH" or "DELETE";
        operation.Responses ??= new OpenApiResponses();
        void Add(string status, string description)
        {
            if (operation.Responses.TryGetValue(status, out var existing) && existing is OpenApiResponse known)
            {
                known.Content ??= new Dictionary<string, OpenApiMediaType>();
                known.Content.TryAdd(ProblemJson, new OpenApiMediaType { Schema = new OpenApiSchemaReference(Problem, context.Document) });
                return;
            }
            operation.Responses[status] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemJson] = new() { Schema = new OpenApiSchemaReference(Problem, context.Document) },
                },
            };
        }

        // Health and the documents answer without a key and refuse nothing.
        if (operation.Security is not { Count: > 0 }) return Task.CompletedTask;
        Add("400", "A parameter or the body could not be read (malformed JSON, a value outside a fixed list, a malformed parameter); errors names each.");
        Add("401", "No API key, or one that is unknown, revoked or expired.");
        Add("403", "The key's role lacks the permission.");
        Add("429", "Over the address's or the key's rate limit; Retry-After says when to try again.");
        if (path.Contains('{')) Add("404", "No such record, or one of a zone the key may not see.");
        if (writes)
        {
            Add("409", "The request conflicts with the register's state (a duplicate, an overlap, a run under way, a late change contradicting a later one).");
            Add("422", "A value breaks a rule of the register; errors names each field and its reason. Nothing was written.");
            if (method != "DELETE")
            {
                Add("413", "The body exceeds Limits:MaxBodyBytes (Limits:MaxImportBodyBytes for imports).");
                Add("415", "The body's Content-Type is not one the operation reads.");
            }
        }
        if (method is "PATCH" or "DELETE" || (method == "PUT" && path.Contains('{')))
        {
            Add("412", "If-Match names a version that is no longer current.");
            Add("428", "If-Match is required.");
        }
        Add("503", "The database is unavailable (restarting or failing over); Retry-After says when to try again.");
        return Task.CompletedTask;
    }

    /// <summary>A list that can be downloaded answers its 200 as CSV and .xlsx too (<see cref="Exports.Export"/>).</summary>
    public static Task AddExportFiles(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<Exports.ExportableMetadata>().Any()) return Task.CompletedTask;
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse response) return Task.CompletedTask;
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content[Spreadsheets.Csv] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        response.Content[Spreadsheets.Xlsx] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        return Task.CompletedTask;
    }

    /// <summary>The shared schemas, the GeoJSON bodies the handlers read themselves, and inputs made exact.</summary>
    public static void Complete(OpenApiDocument doc)
    {
        doc.Components ??= new OpenApiComponents();
        doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var schemas = doc.Components.Schemas;
        schemas[Problem] = ProblemSchema();
        schemas[Geometry] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A GeoJSON geometry (RFC 7946): positions [lon, lat] in WGS84, or in the CRS the operation's crs parameter names.",
            Required = new HashSet<string> { "type", "coordinates" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. new[] { "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon" }.Select(v => (JsonNode)v)],
                },
                ["coordinates"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema() },
            },
        };
        schemas[Feature] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A GeoJSON Feature: its geometry, and its properties as the operation describes them.",
            Required = new HashSet<string> { "type", "geometry", "properties" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [(JsonNode)"Feature"] },
                ["id"] = new OpenApiSchema { Description = "The feature's id (a string or a number); an import may read the code from it." },
                ["geometry"] = new OpenApiSchemaReference(Geometry, doc),
                ["properties"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalPropertiesAllowed = true },
            },
        };
        schemas[FeatureCollection] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "A GeoJSON FeatureCollection; a crs member naming a CGCS2000 CRS is read too.",
            Required = new HashSet<string> { "type", "features" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [(JsonNode)"FeatureCollection"] },
                ["features"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(Feature, doc) },
                ["crs"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalPropertiesAllowed = true },
            },
        };

        foreach (var (name, schema) in schemas.ToList())
        {
            if (schema is not OpenApiSchema { Properties: { } properties } concrete) continue;
            foreach (var property in new[] { "boundary", "geometry", "intersects" })
                if (properties.TryGetValue(property, out var p) && p is not OpenApiSchemaReference { Reference.Id: Geometry }
                    && (Mentions(p, "JsonElement") || p is OpenApiSchema { Type: null, Properties: null or { Count: 0 }, OneOf: null }))
                    properties[property] = new OpenApiSchemaReference(Geometry, doc);
            // An input refuses a missing or null required member with a 422: it is required, and not nullable.
            if (name.EndsWith("Input", StringComparison.Ordinal) && concrete.Required is { } required)
                foreach (var member in required)
                    if (properties.TryGetValue(member, out var m) && m is OpenApiSchema { Type: { } type } value && type.HasFlag(JsonSchemaType.Null))
                        value.Type = type & ~JsonSchemaType.Null;
        }

        foreach (var (path, item) in doc.Paths)
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (operation.RequestBody is not OpenApiRequestBody body || body.Content is null) continue;
                if (!body.Content.TryGetValue("application/json", out var json) || !Mentions(json.Schema, "JsonElement")) continue;
                // Parcels and premises are read by hand from a GeoJSON Feature (or, for a PATCH, a merge patch of one).
                var feature = new OpenApiMediaType { Schema = new OpenApiSchemaReference(Feature, doc) };
                body.Content.Clear();
                if (method == HttpMethod.Patch) body.Content["application/merge-patch+json"] = feature;
                else body.Content["application/geo+json"] = feature;
                body.Content["application/json"] = feature;
                body.Required = true;
            }
    }

    static bool Mentions(IOpenApiSchema? schema, string id) => schema switch
    {
        OpenApiSchemaReference r => r.Reference.Id == id,
        OpenApiSchema s => (s.OneOf ?? []).Any(x => Mentions(x, id)) || (s.AnyOf ?? []).Any(x => Mentions(x, id)),
        _ => false,
    };

    static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. errors names each field refused and its reasons; allowed lists the values a fixed list admits.",
        Required = new HashSet<string> { "title", "status" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["allowed"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
        },
    };
}
