using System.Net;
using Dapper;
using LandRegister.Tests.Demo;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Evaluation;

/// <summary>The parcels of the enterprises of a class, as the map filters them: for roles cleared for enterprise figures only.</summary>
public sealed class EvaluationClassFilterTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task Parcels_are_filtered_by_their_holders_class_in_the_latest_evaluated_year()
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(180); await Task.Delay(250))
            if (await app.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = 'LSKFQ')")) break;
        await using var conn = await app.OpenAsync();
        var expected = (await conn.QueryAsync<long>("""
            SELECT p.id FROM parcel p JOIN parcel_supply s ON s.id = p.supply_id
            JOIN evaluation_result r ON r.credit_code = s.recipient_credit_code
            JOIN evaluation_current c ON c.run_id = r.run_id AND c.zone_code = p.zone_code
            WHERE p.zone_code = 'LSKFQ' AND p.retired_at IS NULL AND r.class = 'D'
              AND c.year = (SELECT max(year) FROM evaluation_current WHERE zone_code = 'LSKFQ')
            ORDER BY p.id
            """)).ToList();
        Assert.NotEmpty(expected);
        var found = await (await app.Client.GetAsync("/api/parcels?zone=LSKFQ&evaluationClass=D&limit=10000")).JsonAsync();
        Assert.Equal(expected, found["features"]!.AsArray().Select(f => (long)f!["id"]!));

        var promoter = await app.ClientForAsync("promoter", "LSKFQ");
        Assert.Equal(HttpStatusCode.Forbidden, (await promoter.GetAsync("/api/parcels?zone=LSKFQ&evaluationClass=D")).StatusCode);
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync("/api/parcels?evaluationClass=E"), HttpStatusCode.BadRequest, "evaluationClass");
    }
}
