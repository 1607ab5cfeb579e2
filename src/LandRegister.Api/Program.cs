using LandRegister.Api.Access;
using LandRegister.Api.Enterprises;
using LandRegister.Api.Evaluation;
using LandRegister.Api.IdleLand;
using LandRegister.Api.Jobs;
using LandRegister.Api.Contracts;
using LandRegister.Api.Demo;
using LandRegister.Api.Docs;
using LandRegister.Api.Health;
using LandRegister.Api.LandUses;
using LandRegister.Api.Leases;
using LandRegister.Api.Ledger;
using LandRegister.Api.Lifecycle;
using LandRegister.Api.Map;
using LandRegister.Api.Parcels;
using LandRegister.Api.Ogc;
using LandRegister.Api.Parks;
using LandRegister.Api.Premises;
using LandRegister.Api.Reserves;
using LandRegister.Api.Statistics;
using LandRegister.Api.Tiles;
using LandRegister.Api.Zones;

// The build-time OpenAPI generator runs this program without a database.
var generatingDocument = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

var builder = WebApplication.CreateBuilder(args);
RegisterClock.Configure(builder.Configuration);
_ = Mapping.Config;
var limits = RegisterLimits.From(builder.Configuration);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxBodyBytes);
builder.Services.AddSingleton(limits);
builder.Services.AddSingleton(PublicOrigin.From(builder.Configuration));
HostFilter.Configure(builder);
builder.Services.AddRegisterDatabase(builder.Configuration);
builder.Services.AddRegisterChanges(listen: !generatingDocument);
builder.Services.AddReplicas(poll: !generatingDocument);
builder.Services.AddSingleton<TileCache>();
builder.Services.AddSingleton<LandUseCodes>();
builder.Services.AddSingleton(ReserveSettings.From(builder.Configuration));
builder.Services.AddSingleton(ParcelOverlaps.From(builder.Configuration));
builder.Services.AddSingleton(LedgerSettings.From(builder.Configuration));
builder.Services.AddSingleton(BaseMapSettings.From(builder.Configuration));
builder.Services.AddHttpClient(BaseMapApi.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
var tiles = TileSettings.From(builder.Configuration);
builder.Services.AddSingleton(tiles);
builder.Services.AddMemoryCache(o => o.SizeLimit = tiles.CacheMegabytes * 1024L * 1024);
builder.Services.AddRegisterJson();
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemHandler.Complete);
builder.Services.AddExceptionHandler<ProblemHandler>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddRegisterAccess(builder.Configuration);
builder.Services.AddRegisterJobs(builder.Configuration, startScheduler: !generatingDocument).AddRun<EvaluationRun>().AddRun<IdleLandRun>().AddRun<BillingRun>();
builder.Services.AddRegisterOpenApi();

var app = builder.Build();
PublicOrigin.UseTrustedProxies(app);
app.UseRegisterMetrics();
app.UseExceptionHandler();
HostFilter.Use(app);
app.UseStatusCodePages();
app.UseMapPage();
app.MapDocs();
app.UseRegisterAccess();
app.UseChangesHeardBeforeAnswering();
app.MapHealth();
app.MapApiKeys();
app.MapZones();
app.MapParks();
app.MapLandUses();
app.MapParcels();
app.MapParcelLifecycle();
app.MapParcelImport();
app.MapEnterprises();
app.MapIndicatorImport();
app.MapEvaluation();
app.MapIdleLand();
app.MapJobs();
app.MapReserves();
app.MapAvailableLand();
app.MapPremises();
app.MapContractMinimums();
app.MapContractPerformance();
var leases = app.MapLeases();
leases.MapRent();
leases.MapCollection();
leases.MapPaymentImport();
app.MapLedger();
app.MapStatistics();
app.MapYearlyReport();
app.MapTiles();
app.MapBaseMap();
app.MapOgc();

if (!generatingDocument)
{
    await app.Services.GetRequiredService<Migrator>().ApplyAsync();
    // Hangfire prepares its schema when its storage is first made: after the migrations, which grant the role it runs as.
    app.MapJobsDashboard();
    await app.EnsureAdminKeyAsync();
    if (app.Configuration.GetValue<bool>("LandRegister:LoadDemo"))
    {
        await DemoData.LoadAsync(app.Services.GetRequiredService<SchemaOwner>().Db, app.Logger);
        DemoData.RunOnStart(app, EvaluationRun.Evaluation, IdleLandRun.IdleLand);
    }
    app.ScheduleRecurringJobs();
    ReserveBlocks.WarmUpOnStart(app);
    // LandRegister:ReadyNote: what the operator needs next (make run names the local admin key there).
    app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogInformation(
        "LandRegister is ready: {Urls} — the map at /, the API reference at /docs, the jobs at /jobs; send an API key in X-Api-Key. {Note}",
        string.Join(", ", app.Urls), app.Configuration["LandRegister:ReadyNote"] ?? ""));
}

app.Run();

public partial class Program;
