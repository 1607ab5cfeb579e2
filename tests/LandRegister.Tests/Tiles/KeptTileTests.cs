using System.Diagnostics;
using System.Net;
using LandRegister.Api.Infrastructure;
using LandRegister.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Tiles;

/// <summary>
/// Counts the database commands the API ran to answer requests sent inside <see cref="Probe"/>: the request carries the
/// probe's trace (traceparent), and every Npgsql command run for it is an activity of that trace.
/// </summary>
public sealed class DatabaseCommands : IDisposable
{
    const string ProbeSource = "LandRegister.Tests.Probe";
    static readonly ActivitySource Source = new(ProbeSource);
    readonly ActivityListener listener;
    readonly List<Activity> commands = [];

    public DatabaseCommands()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" or "System.Net.Http" or "Microsoft.AspNetCore" or ProbeSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.Source.Name == "Npgsql") lock (commands) commands.Add(a);
            },
        };
        ActivitySource.AddActivityListener(listener);
    }

    /// <summary>What <paramref name="send"/> returned, and the statements the API ran for it.</summary>
    public async Task<(T Result, List<string> Statements)> Probe<T>(Func<Task<T>> send)
    {
        using var probe = Source.StartActivity("probe")!;
        var result = await send();
        probe.Stop();
        await Task.Delay(50); // activities of the request end as its answer is sent
        lock (commands)
            return (result, commands.Where(c => c.TraceId == probe.TraceId)
                .Select(c => c.GetTagItem("db.query.text") as string ?? c.GetTagItem("db.statement") as string ?? c.DisplayName).ToList());
    }

    public void Dispose() => listener.Dispose();
}

/// <summary>
/// Tiles of the present are kept in memory and served with no database round trip (no key lookup either) until the
/// database announces a change that touches them: made through this instance (heard before the write is answered),
/// through another instance, or in SQL; and none is trusted across a lost announcement connection.
/// </summary>
public sealed class KeptTileTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    async Task<(Tile Tile, long Parcel, string Zone)> ArrangeAsync(double lon, double lat)
    {
        var zone = await app.ZoneAsync();
        var tile = Tile.At(lon, lat, 16);
        var (x, y) = tile.At(0.3, 0.3);
        var created = await app.CreateParcelAsync(Feature(Rectangle(x, y, 90, 70), zone, status: "clean_land"));
        return (tile, (long)created["id"]!, zone);
    }

    async Task<string> StatusShownAsync(HttpClient client, Tile tile, long parcel) => (await FieldsShownAsync(client, tile, parcel))["status"];

    /// <summary>The parcel's name, which staff see on the tile (the admin's client).</summary>
    async Task<string> NameShownAsync(HttpClient client, Tile tile, long parcel) => (await FieldsShownAsync(client, tile, parcel)).GetValueOrDefault("name") ?? "";

    static async Task<IReadOnlyDictionary<string, string>> FieldsShownAsync(HttpClient client, Tile tile, long parcel)
    {
        var (response, features) = await Tiles.GetAsync(client, tile);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return features.Single(f => f.MvtId() == parcel).Fields;
    }

    /// <summary>Reads until <paramref name="expected"/> is shown, for at most two seconds; the last value read.</summary>
    static async Task<string> EventuallyAsync(Func<Task<string>> read, string expected)
    {
        var shown = "";
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(2); await Task.Delay(20))
            if ((shown = await read()) == expected) break;
        return shown;
    }

    [Fact]
    public async Task A_tile_read_again_costs_no_database_command_and_a_new_key_one_lookup()
    {
        var (tile, _, _) = await ArrangeAsync(119.301, 33.301);
        using var commands = new DatabaseCommands();
        var (first, built) = await commands.Probe(() => app.Client.GetAsync(tile.Path("parcels")));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains(built, s => s.Contains("ST_AsMVT"));

        var (again, none) = await commands.Probe(() => app.Client.GetAsync(tile.Path("parcels")));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
        Assert.Empty(none);

        // A key seen for the first time is looked up once, then remembered; a tile is kept per audience (a viewer sees
        // fewer fields than the admin).
        var viewer = await app.ClientForAsync("viewer");
        var (_, lookup) = await commands.Probe(() => viewer.GetAsync(tile.Path("parcels")));
        Assert.Contains(lookup, s => s.Contains("api_key"));
        var (_, known) = await commands.Probe(() => viewer.GetAsync(tile.Path("parcels")));
        Assert.Empty(known);
        var another = await app.ClientForAsync("viewer");
        var (_, keyOnly) = await commands.Probe(() => another.GetAsync(tile.Path("parcels")));
        Assert.Contains(keyOnly, s => s.Contains("api_key"));
        Assert.DoesNotContain(keyOnly, s => s.Contains("ST_AsMVT"));
    }

    [Fact]
    public async Task An_edit_through_the_api_is_on_the_next_tile_read()
    {
        var (tile, parcel, _) = await ArrangeAsync(119.311, 33.311);
        for (var i = 0; i < 20; i++)
        {
            var name = $"renamed {i}";
            Assert.NotEqual(name, await NameShownAsync(app.Client, tile, parcel));
            var patched = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{parcel}", $$$"""{"properties":{"name":"{{{name}}}"}}""",
                "application/merge-patch+json", await app.ETagAsync(parcel));
            Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
            Assert.Equal(name, await NameShownAsync(app.Client, tile, parcel));
        }
    }

    [Fact]
    public async Task An_edit_in_sql_or_through_another_instance_reaches_a_kept_tile()
    {
        var (tile, parcel, _) = await ArrangeAsync(119.321, 33.321);
        Assert.Equal("clean_land", await StatusShownAsync(app.Client, tile, parcel));
        await app.ScalarAsync<int>("UPDATE parcel SET status = 'raw_land' WHERE id = @parcel RETURNING 1", new { parcel });
        Assert.Equal("raw_land", await EventuallyAsync(() => StatusShownAsync(app.Client, tile, parcel), "raw_land"));

        await using var other = await app.SecondInstanceAsync();
        var patched = await other.SendAsync(HttpMethod.Patch, $"/api/parcels/{parcel}", """{"properties":{"name":"renamed elsewhere"}}""",
            "application/merge-patch+json", await app.ETagAsync(parcel));
        Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
        Assert.Equal("renamed elsewhere", await EventuallyAsync(() => NameShownAsync(app.Client, tile, parcel), "renamed elsewhere"));
    }

    [Fact]
    public async Task A_change_made_while_the_announcements_were_cut_is_not_hidden_by_a_kept_tile()
    {
        var (tile, parcel, _) = await ArrangeAsync(119.331, 33.331);
        var changes = app.Services.GetRequiredService<RegisterChanges>();
        Assert.Equal("clean_land", await StatusShownAsync(app.Client, tile, parcel));
        var cut = changes.BackendId;
        Assert.NotNull(cut);
        var epoch = changes.Epoch;

        // The listening backend is terminated and the parcel changed in the same transaction: its announcement is sent at
        // commit, to nobody or to a listener that has just come back.
        await app.ScalarAsync<int>("""
            SELECT 1 FROM pg_terminate_backend(@cut);
            UPDATE parcel SET status = 'idle' WHERE id = @parcel RETURNING 1
            """, new { cut, parcel });
        Assert.Equal("idle", await EventuallyAsync(() => StatusShownAsync(app.Client, tile, parcel), "idle"));
        for (var watch = Stopwatch.StartNew(); changes.BackendId is null || changes.BackendId == cut; await Task.Delay(20))
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the listener did not come back");
        Assert.NotEqual(epoch, changes.Epoch);
        Assert.Equal("idle", await StatusShownAsync(app.Client, tile, parcel));
    }

    [Fact]
    public async Task A_tile_built_again_after_an_edit_it_does_not_show_keeps_its_etag_and_one_it_shows_changes_it()
    {
        var (tile, parcel, _) = await ArrangeAsync(119.341, 33.341);
        var (first, _) = await Tiles.GetAsync(app.Client, tile);
        var etag = first.Headers.ETag!.ToString();

        // The actual use is not on the tile: the edit is announced, the tile built again, the same bytes.
        var patched = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{parcel}", """{"properties":{"actualUse":"0901"}}""",
            "application/merge-patch+json", await app.ETagAsync(parcel));
        Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
        using var commands = new DatabaseCommands();
        var ((unchanged, _), built) = await commands.Probe(() => Tiles.GetAsync(app.Client, tile, ifNoneMatch: etag));
        Assert.Contains(built, s => s.Contains("ST_AsMVT"));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);

        // The name is (staff see it): another tile, another ETag.
        patched = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{parcel}", """{"properties":{"name":"renamed"}}""",
            "application/merge-patch+json", await app.ETagAsync(parcel));
        Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
        var (changed, _) = await Tiles.GetAsync(app.Client, tile, ifNoneMatch: etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.ToString());
    }
}
