using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.Storage;
using Hangfire.PostgreSql.Factories;
using LandRegister.Api.Access;

namespace LandRegister.Api.Jobs;

/// <summary>
/// The scheduler: Hangfire, with its state in the register's PostgreSQL (schema <c>hangfire</c>, created at start-up), so
/// that every API instance on one database shares the jobs and each job runs on one node. Runs go to the queue
/// <c>runs</c>; the nightly runs and the watchdog are Hangfire recurring jobs.
/// </summary>
public static class JobsSetup
{
    public const string RunQueue = "runs";
    public const string Schema = "hangfire";

    /// <param name="startScheduler">False where there is no database to keep jobs in (the build-time OpenAPI generator).</param>
    public static IServiceCollection AddRegisterJobs(this IServiceCollection services, IConfiguration config, bool startScheduler)
    {
        var settings = JobSettings.From(config);
        services.AddSingleton(settings);
        services.AddSingleton<JobRuns>();
        if (!startScheduler) return services;
        var connectionString = Database.OnPrimary(config.GetConnectionString("Register") ?? "");
        var storage = new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            PrepareSchemaIfNecessary = true,
            // A job whose node stops being heard from is handed to another node after this long; the node working on a
            // job keeps it invisible meanwhile (sliding), so a long run is never handed out twice.
            InvisibilityTimeout = TimeSpan.FromSeconds(settings.StaleAfterSeconds + 5),
            UseSlidingInvisibilityTimeout = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            DistributedLockTimeout = TimeSpan.FromSeconds(30),
        };
        // The storage is this application's own service, not Hangfire's process-wide default (JobStorage.Current), so
        // that several applications in one process (the tests) each keep to their own database.
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storage, null), storage));
        services.AddHangfire((provider, h) => h
            .UseLogProvider(new HangfireLogs(provider.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddHangfireServer((provider, o) =>
        {
            // Jobs are made from this application's own services: Hangfire's default activator is process-wide, and with
            // several applications in one process (the tests) it would run one's jobs with another's (or a disposed) container.
            o.Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>());
            o.ServerName = RunJob.Node;
            o.WorkerCount = settings.Workers;
            o.Queues = [RunQueue, "default"];
            o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
            o.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        return services;
    }

    /// <summary>Adds a kind of run the scheduler can carry out.</summary>
    public static IServiceCollection AddRun<TRun>(this IServiceCollection services) where TRun : class, IRun =>
        services.AddSingleton<IRun, TRun>();

    /// <summary>Registers the nightly runs of every kind and the watchdog (each instance does; Hangfire keeps one of each).</summary>
    public static void ScheduleRecurringJobs(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<JobSettings>();
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        var kinds = app.Services.GetServices<IRun>().Select(r => r.Kind.Name).ToHashSet();
        var options = new RecurringJobOptions { TimeZone = RegisterClock.TimeZone };
        foreach (var (kind, cron) in settings.Schedules())
        {
            var id = NightlyJob.IdOf(kind);
            if (!kinds.Contains(kind)) throw new InvalidOperationException($"Jobs:Nightly:{kind}: no background run is called '{kind}' (there are {string.Join(", ", kinds)}).");
            if (cron.Length == 0)
            {
                Schedule(app, id, () => recurring.RemoveIfExists(id));
                continue;
            }
            try
            {
                Schedule(app, id, () => recurring.AddOrUpdate<NightlyJob>(id, "default", j => j.ExecuteAsync(kind, CancellationToken.None), cron, options));
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"Jobs:Nightly:{kind}: '{cron}' is not a cron expression (minute hour day month weekday, e.g. 0 2 * * *). {e.Message}", e);
            }
        }
        Schedule(app, WatchdogJob.Id, () => recurring.AddOrUpdate<WatchdogJob>(WatchdogJob.Id, "default", j => j.ExecuteAsync(CancellationToken.None), Cron.Minutely(), options));
    }

    /// <summary>
    /// Writes a schedule now (a malformed cron stops the start), or, when another node holds the schedule's lock past
    /// Hangfire's lock timeout (a node killed while it held it leaves the lock until it expires), again every 15 s once
    /// the app has started: a node that comes back after a crash serves requests instead of failing its start.
    /// </summary>
    static void Schedule(WebApplication app, string id, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is DistributedLockTimeoutException or PostgreSqlDistributedLockException)
        {
            app.Logger.LogWarning("The schedule {Id} is locked by another node ({Reason}); writing it again in the background", id, e.Message);
            var stopping = app.Lifetime.ApplicationStopping;
            app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
            {
                while (!stopping.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(15), stopping);
                        write();
                        app.Logger.LogInformation("The schedule {Id} is written", id);
                        return;
                    }
                    catch (Exception again) when (again is DistributedLockTimeoutException or PostgreSqlDistributedLockException || Database.IsTransient(again))
                    {
                        app.Logger.LogWarning("The schedule {Id} is still locked or the database away; trying again", id);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }));
        }
    }

    /// <summary>
    /// Hangfire's dashboard at <c>/jobs</c>, for admins only: the register's authentication (the API key in X-Api-Key, or as
    /// the password of HTTP Basic, which a browser asks for) and the permission <see cref="Permission.ManageJobs"/>.
    /// Hangfire's own filter, which admits local requests only, is replaced by that policy.
    /// </summary>
    public static void MapJobsDashboard(this WebApplication app) =>
        app.MapHangfireDashboard("/jobs", new DashboardOptions
        {
            Authorization = [new PolicyChecked()],
            AsyncAuthorization = [],
            DashboardTitle = "LandRegister jobs",
            DisplayStorageConnectionString = false,
            AppPath = "/",
        }, app.Services.GetRequiredService<JobStorage>()).RequireAuthorization(Permission.ManageJobs).ExcludeFromDescription();

    /// <summary>The endpoint's policy has already admitted the request.</summary>
    sealed class PolicyChecked : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => true;
    }
}
