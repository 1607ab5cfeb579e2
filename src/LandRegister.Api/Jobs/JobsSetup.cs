using LandRegister.Api.Evaluation;
using LandRegister.Api.IdleLand;
using Npgsql;
using Quartz;

namespace LandRegister.Api.Jobs;

/// <summary>
/// The scheduler: Quartz with its persistent store in the register's PostgreSQL, clustered, so that every API
/// instance on one database shares the jobs and each firing runs on one node.
/// </summary>
public static class JobsSetup
{
    public static IServiceCollection AddRegisterJobs(this IServiceCollection services, IConfiguration config, bool startScheduler)
    {
        var settings = config.GetSection("Jobs").Get<JobSettings>() ?? new JobSettings();
        services.AddSingleton(settings);
        services.AddSingleton<JobRuns>();
        services.AddSingleton<EvaluationRun>();
        services.AddSingleton<IdleLandRun>();
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = settings.SchedulerName);
            // Without a scheduler (the build-time OpenAPI generator) there is no database to keep jobs in.
            if (!startScheduler) q.UseInMemoryStore();
            else q.UsePersistentStore(store =>
            {
                store.UsePostgres(config.GetConnectionString("Register") ?? "");
                store.UseSystemTextJsonSerializer();
                store.UseClustering(c =>
                {
                    c.CheckinInterval = TimeSpan.FromSeconds(settings.ClusterCheckinSeconds);
                    c.CheckinMisfireThreshold = TimeSpan.FromSeconds(settings.ClusterCheckinSeconds * 2);
                });
                store.ProvisionSchema();
            });
            var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
            q.AddJob<RunJob>(j => j.WithIdentity(RunJob.Key).StoreDurably().RequestRecovery());
            q.AddJob<NightlyJob>(j => j.WithIdentity(NightlyJob.Evaluation).UsingJobData(NightlyJob.Kind, "evaluation").StoreDurably());
            q.AddJob<NightlyJob>(j => j.WithIdentity(NightlyJob.IdleLand).UsingJobData(NightlyJob.Kind, "idle_land").StoreDurably());
            q.AddJob<WatchdogJob>(j => j.WithIdentity(WatchdogJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(NightlyJob.Evaluation).WithIdentity("nightly-evaluation", "landregister")
                .WithCronSchedule(settings.EvaluationCron, c => c.InTimeZone(zone)));
            q.AddTrigger(t => t.ForJob(NightlyJob.IdleLand).WithIdentity("nightly-idle-land", "landregister")
                .WithCronSchedule(settings.IdleLandCron, c => c.InTimeZone(zone)));
            q.AddTrigger(t => t.ForJob(WatchdogJob.Key).WithIdentity("watchdog", "landregister")
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(Math.Max(5, settings.AbandonedAfterSeconds / 4))).RepeatForever()));
        });
        if (startScheduler) services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>Queues a run and has the cluster carry it out.</summary>
    internal static async Task<JobRunRow> StartAsync(this ISchedulerFactory schedulers, JobRuns runs, string kind, string zone, int? year, DateOnly? asOf, string requestedBy)
    {
        var run = await runs.CreateAsync(kind, zone, year, asOf, requestedBy);
        var scheduler = await schedulers.GetScheduler();
        await scheduler.ScheduleJob(NightlyJob.RunTrigger(run.Id), cancellationToken: default);
        return run;
    }
}
