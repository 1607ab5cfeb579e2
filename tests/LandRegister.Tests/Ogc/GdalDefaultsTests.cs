using System.Diagnostics;
using System.Net;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Ogc;

/// <summary>The register with the rate limits it ships with, as a client that does not tune anything meets it.</summary>
public sealed class ShippedLimitsApp : RegisterApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimit:Burst"] = "200", ["RateLimit:PerSecond"] = "50", ["RateLimit:AddressBurst"] = "600", ["RateLimit:AddressPerSecond"] = "150",
    };
}

/// <summary>GDAL with its defaults (pages of ten in Debian's GDAL 3.6) exports a whole collection of 20,000 parcels.</summary>
public sealed class GdalDefaultsTests(ShippedLimitsApp app) : IClassFixture<ShippedLimitsApp>
{
    [Fact]
    public async Task Ogr2ogr_with_its_defaults_exports_every_parcel_of_a_large_zone_into_a_valid_geopackage()
    {
        var zone = await app.ZoneAsync(4549);
        // 20,000 parcels written straight into the table (the test is about reading them): 200 × 100 plots of ~80 m.
        const int count = 20_000;
        await using (var conn = await app.OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(conn, """
                INSERT INTO parcel (zone_code, code, status, planned_use, geom, created_by, updated_by)
                SELECT @zone, format('G%s-%s', i, j), 'clean_land', '100101',
                       ST_Multi(ST_MakeEnvelope(119.0 + i * 0.00086, 33.0 + j * 0.00072, 119.0 + (i + 0.9) * 0.00086, 33.0 + (j + 0.9) * 0.00072, 4326)),
                       'test', 'test'
                FROM generate_series(0, 199) i, generate_series(0, 99) j
                """, new { zone }, commandTimeout: 300);

        var gpkg = Path.Combine(Path.GetTempPath(), $"landregister-{Guid.NewGuid():N}.gpkg");
        try
        {
            var start = new ProcessStartInfo("ogr2ogr") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-f", "GPKG", gpkg, $"OAPIF:{app.BaseAddress}ogc", "parcels" }) start.ArgumentList.Add(argument);
            // The key as the password of HTTP Basic, as a desktop client sends it; nothing else set.
            start.Environment["GDAL_HTTP_USERPWD"] = $"gdal:{RegisterApp.AdminKey}";
            start.Environment["GDAL_HTTP_AUTH"] = "BASIC";
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"ogr2ogr exited with {process.ExitCode} after {clock.Elapsed}:\n{await error}\n{await output}");
            Assert.DoesNotContain("429", await error);

            // Every live parcel the key sees: this zone's 20,000 and those the class's other test registered.
            var live = await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE retired_at IS NULL");
            Assert.True(live >= count);
            var listing = await Ogr.InfoAsync(null, "-ro", "-so", gpkg, "parcels");
            Assert.Contains($"Feature Count: {live}", listing);
        }
        finally { File.Delete(gpkg); }
    }

    [Fact]
    public async Task A_client_hammering_one_page_is_still_limited_and_a_forged_or_replayed_page_token_buys_nothing()
    {
        var zone = await app.ZoneAsync(4549);
        for (var i = 0; i < 3; i++) await app.CreateParcelAsync(Arrange.Feature(Arrange.Rectangle(119.30 + i * 0.002, 33.80, 100, 100), zone));
        var client = await app.ClientForAsync("viewer", zone);
        var first = await client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&limit=1");
        var next = (string)(await first.JsonAsync())["links"]!.AsArray().Single(l => (string)l!["rel"]! == "next")!["href"]!;
        Assert.Contains("pageToken=", next);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(next)).StatusCode);
        // The same link again, a token with a changed filter, a made-up token: ordinary requests, until the key's budget is spent.
        var tampered = next.Replace("limit=1", "limit=2");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 260; i++) statuses.Add((await client.GetAsync(i % 3 == 0 ? next : i % 3 == 1 ? tampered : next + "x")).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}
