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
        group.MapGet("/current", GetCurrentKey).WithName(nameof(GetCurrentKey)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("The key this request was made with: its name, role, zones and permissions (what a page may offer)");
        group.MapGet("/{id:long}", GetKey).WithName(nameof(GetKey)).RequireAuthorization(Permission.ManageKeys)
            .WithSummary("Get an API key (never its secret)");
        group.MapDelete("/{id:long}", RevokeKey).WithName(nameof(RevokeKey)).RequireAuthorization(Permission.ManageKeys)
            .WithSummary("Revoke an API key; it stops working at the next request (If-Match required)");
        return group;
    }

    /// <summary>What a page needs to know of its key to offer only what it may do.</summary>
    /// <param name="Zones">The zones it may act in; null for every zone.</param>
    /// <param name="Audience">The fields it sees: public, internal or confidential.</param>
    public sealed record CurrentKey(string Name, string Role, string[]? Zones, IReadOnlyList<string> Permissions, string Audience);

    public static Ok<CurrentKey> GetCurrentKey(Caller caller)
    {
        var role = Roles.Find(caller.Role);
        return TypedResults.Ok(new CurrentKey(caller.Name, caller.Role, caller.Zones, role?.Permissions ?? [],
            (role?.Audience ?? Access.Audience.Public).ToString().ToLowerInvariant()));
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
