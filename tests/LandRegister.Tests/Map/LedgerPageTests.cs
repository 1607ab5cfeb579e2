using LandRegister.Tests.Demo;
using LandRegister.Tests.Support;
using Microsoft.Playwright;

namespace LandRegister.Tests.Map;

/// <summary>The ledger page beside the map, over the demo ledgers, in a real headless Chromium.</summary>
public sealed class LedgerPageTests(DemoApp app, Browser browser) : IClassFixture<DemoApp>, IClassFixture<Browser>
{
    static readonly string Screenshots = Path.Combine(Repository.Root, "TestResults", "ledger");

    [Fact]
    public async Task The_ledger_page_shows_a_zones_items_by_status_and_category_overdue_first_with_their_targets()
    {
        var page = await browser.OpenAsync(app.BaseAddress, "/ledger.html?zone=LSKFQ", RegisterApp.AdminKey, Screenshots);

        var api = await (await app.Client.GetAsync("/api/ledger/items?zone=LSKFQ&limit=500")).JsonAsync();
        var items = api["items"]!.AsArray();
        var numbers = await page.Locator("#items > li").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.number)");
        Assert.Equal(items.Select(i => (string)i!["number"]!), numbers);
        var overdue = items.Count(i => (bool)i!["overdue"]!);
        Assert.True(overdue > 0);
        Assert.All(numbers.Take(overdue), n => Assert.True((bool)items.First(i => (string)i!["number"]! == n)!["overdue"]!, n));
        Assert.Equal(overdue, await page.Locator("#items .flag.overdue").CountAsync());

        // The summary's totals are the API's counts by status.
        var total = page.Locator("#summary tfoot td");
        Assert.Equal((items.Count(i => (string)i!["status"]! == "completed")).ToString(), await total.Nth(3).InnerTextAsync());
        Assert.Equal(overdue.ToString(), await total.Nth(5).InnerTextAsync());
        Assert.Contains("低效用地", await page.InnerTextAsync("#summary"));

        // §6: six of the nine plots revitalized, as the register holds them; §5-(1) flagged inconsistent.
        var section6 = page.Locator("#items > li[data-number='6'] .targets li[data-kind='parcels_in_status']");
        Assert.Contains("6 / 9", await section6.InnerTextAsync());
        Assert.Equal(1, await page.Locator("#items > li[data-number='5-(1)'] .flag.inconsistent").CountAsync());

        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "ledger-page.png"), FullPage = false });

        // Overdue only, then the other zone.
        await page.CheckAsync("#overdue");
        await page.WaitForSelectorAsync("body[data-state='ready']");
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('#items > li').length === {overdue}");
        await page.UncheckAsync("#overdue");
        await page.SelectOptionAsync("#zone", "YZJK");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#items > li').length === 26");
        Assert.Contains("阶段性完成", await page.InnerTextAsync("#summary"));
    }

    [Fact]
    public async Task A_promoter_is_told_the_ledger_is_not_theirs()
    {
        var key = (string)(await app.CreateKeyAsync("promoter"))["key"]!;
        var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/ledger.html");
        await page.WaitForSelectorAsync("body[data-state='needs-key']");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#key-form button[type=submit]");
        await page.WaitForSelectorAsync("body[data-state='failed']");
        Assert.Contains("This key may not read this", await page.InnerTextAsync("#message"));
    }
}
