using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LandRegister.Tests.Support;

/// <summary>
/// The real API on Kestrel (a real port, real request limits) over a database of its own. One per test class.
/// <see cref="Client"/> sends the admin key; <see cref="ClientForAsync"/> makes clients with other roles.
/// </summary>
public class RegisterApp : IAsyncLifetime
{
    /// <summary>The admin key given to the app as LANDREGISTER_ADMIN_KEY.</summary>
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    WebApplicationFactory<Program>? factory;

    /// <summary>The admin key this instance is started with.</summary>
    public string Admin { get; protected init; } = AdminKey;

    /// <summary>The database, as its owner: what the tests arrange and check with.</summary>
    public string ConnectionString { get; protected set; } = "";

    /// <summary>The role the app serves requests as.</summary>
    public const string ApplicationRole = "landregister_app";

    /// <summary>The database as the application role, which the app is given as ConnectionStrings:Register.</summary>
    public string ApplicationConnectionString =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Username = ApplicationRole, Password = null }.ConnectionString;
    public HttpClient Client { get; private set; } = null!;
    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>Every line the app logged.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Settings a fixture adds to the app's configuration.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public IServiceProvider Services => factory!.Services;

    /// <summary>Creates the database (unless a subclass set <see cref="ConnectionString"/>) and starts the app.</summary>
    public virtual async Task InitializeAsync()
    {
        if (ConnectionString.Length == 0) ConnectionString = await TestDatabase.CreateAsync();
        var f = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            // As in production: the schema's owner migrates, requests are served as the application role.
            b.UseSetting("ConnectionStrings:Migrations", ConnectionString);
            b.UseSetting("ConnectionStrings:Register", ApplicationConnectionString);
            b.UseSetting("LANDREGISTER_ADMIN_KEY", Admin);
            // Tests send bursts far above any real client's; the rate-limit test sets its own limits.
            b.UseSetting("RateLimit:Burst", "1000000");
            b.UseSetting("RateLimit:PerSecond", "1000000");
            b.UseSetting("RateLimit:AddressBurst", "1000000");
            b.UseSetting("RateLimit:AddressPerSecond", "1000000");
            foreach (var (key, value) in Settings) b.UseSetting(key, value);
            b.ConfigureLogging(l => l.AddProvider(Logs));
        });
        f.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        f.StartServer();
        factory = f;
        Client = ClientWithKey(Admin);
    }

    /// <summary>A client without any key, or with the given one.</summary>
    public HttpClient ClientWithKey(string? key)
    {
        var client = factory!.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>Creates a key with the role (and zones) through the API and returns a client that sends it.</summary>
    public async Task<HttpClient> ClientForAsync(string role, params string[] zones) =>
        ClientWithKey((string)(await CreateKeyAsync(role, zones))["key"]!);

    public async Task<JsonObject> CreateKeyAsync(string role, string[]? zones = null, DateTimeOffset? expiresAt = null)
    {
        var body = new JsonObject { ["name"] = Arrange.Unique($"{role}-key-"), ["role"] = role };
        if (zones is { Length: > 0 }) body["zones"] = new JsonArray(zones.Select(z => (JsonNode)z).ToArray());
        if (expiresAt is not null) body["expiresAt"] = expiresAt.Value.ToString("O");
        var response = await PostAsync("/api/keys", body);
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(response.IsSuccessStatusCode, created.ToJsonString());
        return created;
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        if (factory is not null) await factory.DisposeAsync();
        await TestDatabase.DropAsync(ConnectionString);
    }

    /// <summary>Starts another instance of the API on this app's database (as a second server would).</summary>
    public async Task<RegisterApp> SecondInstanceAsync(string? adminKey = null)
    {
        var other = new SharedDatabaseApp(ConnectionString, adminKey ?? AdminKey);
        await other.InitializeAsync();
        return other;
    }

    sealed class SharedDatabaseApp : RegisterApp
    {
        readonly string connectionString;

        public SharedDatabaseApp(string connectionString, string adminKey)
        {
            this.connectionString = connectionString;
            Admin = adminKey;
        }

        public override Task InitializeAsync()
        {
            ConnectionString = connectionString;
            return base.InitializeAsync();
        }

        // The database belongs to the first instance.
        public override async Task DisposeAsync()
        {
            Client.Dispose();
            await DisposeFactoryAsync();
        }
    }

    protected async Task DisposeFactoryAsync()
    {
        if (factory is not null) await factory.DisposeAsync();
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = await OpenAsync();
        return (await conn.ExecuteScalarAsync<T>(sql, args))!;
    }

    public Task<long> CountParcelsAsync() => ScalarAsync<long>("SELECT count(*) FROM parcel");

    public Task<HttpResponseMessage> PostAsync(string path, JsonNode body, string mediaType = "application/json") =>
        SendAsync(HttpMethod.Post, path, body.ToJsonString(), mediaType);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null,
        string mediaType = "application/json", string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        if (ifMatch is not null) request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        return await Client.SendAsync(request);
    }

    /// <summary>Sends a file's bytes as the body.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[] body, string mediaType)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await Client.SendAsync(request);
    }
}
