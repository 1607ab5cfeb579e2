using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Access;

public static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("API keys");
        group.MapPost("/", CreateKey).WithName(nameof(CreateKey)).RequireAuthorization(Permission.ManageKeys)
            .WithSummary("Create an API key; its secret is shown once, in this response");
        group.MapGet("/", ListKeys).WithName(nameof(ListKeys)).RequireAuthorization(Permission.ManageKeys)
            .WithSummary("List API keys (never their secrets)");
        group.MapGet("/{id:long}", GetKey).WithName(nameof(GetKey)).RequireAuthorization(Permission.ManageKeys)
            .WithSummary("Get an API key (never its secret)");
        group.MapDelete("/{id:long}", RevokeKey).WithName(nameof(RevokeKey)).RequireAuthorization(Permission.ManageKeys)
            .WithSummary("Revoke an API key; it stops working at the next request (If-Match required)");
        return group;
    }

    const string Scoped = "(@scope::text[] IS NULL OR zones <@ @scope)";

    public static async Task<Created<ApiKeyCreated>> CreateKey(ApiKeyInput input, Caller caller, NpgsqlDataSource db, HttpResponse response)
    {
        input.Validate(caller);
        await using var conn = await db.OpenConnectionAsync();
        var unknown = (await conn.QueryAsync<string>(
            "SELECT z FROM unnest(@zones::text[]) z WHERE NOT EXISTS (SELECT 1 FROM zone WHERE code = z)", new { zones = input.Zones })).ToList();
        if (unknown.Count > 0) throw Problems.Invalid("zones", $"no zone has the code {string.Join(", ", unknown)}");
        var (key, publicId) = ApiKeySecret.Generate();
        var row = await conn.QuerySingleAsync<ApiKeyRow>($"""
            INSERT INTO api_key (name, role, zones, public_id, secret_hash, expires_at, created_by)
            VALUES (@Name, @Role, @Zones, @publicId, @hash, @ExpiresAt, @by)
            RETURNING {ApiKeyRow.Columns}
            """, new { input.Name, input.Role, input.Zones, publicId, hash = ApiKeySecret.Hash(key), input.ExpiresAt, by = caller.Name });
        ETags.Set(response, row.Version);
        return TypedResults.Created($"/api/keys/{row.Id}", new ApiKeyCreated(row.ToInfo(), key));
    }

    public static async Task<Ok<ItemList<ApiKeyInfo>>> ListKeys(Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<ApiKeyRow>($"SELECT {ApiKeyRow.Columns} FROM api_key WHERE {Scoped} ORDER BY id", new { scope = caller.Scope });
        return TypedResults.Ok(new ItemList<ApiKeyInfo>(rows.Select(r => r.ToInfo()).ToList()));
    }

    public static async Task<Ok<ApiKeyInfo>> GetKey(long id, Caller caller, NpgsqlDataSource db, HttpResponse response)
    {
        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<ApiKeyRow>(
            $"SELECT {ApiKeyRow.Columns} FROM api_key WHERE id = @id AND {Scoped}", new { id, scope = caller.Scope })
            ?? throw Problems.NotFound($"No API key has the id {id}.");
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToInfo());
    }

    public static async Task<NoContent> RevokeKey(long id, Caller caller, NpgsqlDataSource db, HttpRequest request)
    {
        var version = ETags.RequiredVersion(request);
        await using var conn = await db.OpenConnectionAsync();
        var revoked = await conn.ExecuteAsync($"""
            UPDATE api_key SET revoked_at = now(), revoked_by = @by, version = version + 1
            WHERE id = @id AND (@version::bigint IS NULL OR version = @version) AND revoked_at IS NULL AND {Scoped}
            """, new { id, version, by = caller.Name, scope = caller.Scope });
        if (revoked == 1) return TypedResults.NoContent();
        var current = await conn.QuerySingleOrDefaultAsync<ApiKeyRow>(
            $"SELECT {ApiKeyRow.Columns} FROM api_key WHERE id = @id AND {Scoped}", new { id, scope = caller.Scope });
        throw current switch
        {
            null => Problems.NotFound($"No API key has the id {id}."),
            { RevokedAt: not null } => Problems.Conflict("id", $"the key was already revoked at {current.RevokedAt:O}"),
            _ => Problems.PreconditionFailed(ETags.For(current.Version)),
        };
    }
}
