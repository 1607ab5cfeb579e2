using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace LandRegister.Tests.Support;

/// <summary>
/// The real API on Kestrel (a real port, real request limits) over a database of its own. One per test class.
/// </summary>
public class RegisterApp : IAsyncLifetime
{
    WebApplicationFactory<Program>? factory;

    public string ConnectionString { get; private set; } = "";
    public HttpClient Client { get; private set; } = null!;
    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>Settings a fixture adds to the app's configuration.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync();
        var f = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Register", ConnectionString);
            foreach (var (key, value) in Settings) b.UseSetting(key, value);
        });
        f.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        f.StartServer();
        factory = f;
        Client = f.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (factory is not null) await factory.DisposeAsync();
        await TestDatabase.DropAsync(ConnectionString);
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
}
