using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Quartz;

namespace LandRegister.Api.Jobs;

/// <summary>A schedule of the cluster: a job, when it fires next and when it fired last.</summary>
public sealed record JobSchedule(string Job, string Trigger, string? Cron, string? TimeZone, DateTimeOffset? NextFireTime, DateTimeOffset? PreviousFireTime);

public sealed record JobsOverview(IReadOnlyList<JobSchedule> Schedules, IReadOnlyList<JobRun> RecentRuns);

public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs", GetJobs).WithName(nameof(GetJobs)).WithTags("Jobs").RequireAuthorization(Permission.ReadJobs)
            .WithSummary("The background jobs: schedules and the 50 most recent runs");
        return app;
    }

    public static async Task<Ok<JobsOverview>> GetJobs(Caller caller, JobRuns runs, ISchedulerFactory schedulers)
    {
        var scheduler = await schedulers.GetScheduler();
        var schedules = new List<JobSchedule>();
        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals("landregister")))
        {
            var trigger = await scheduler.GetTrigger(key);
            if (trigger is null || key.Name.StartsWith("run-", StringComparison.Ordinal)) continue;
            var cron = trigger as ICronTrigger;
            schedules.Add(new JobSchedule(trigger.JobKey.Name, key.Name, cron?.CronExpressionString, cron?.TimeZone.Id,
                trigger.NextFireTimeUtc, trigger.PreviousFireTimeUtc));
        }
        var recent = await runs.RecentAsync(caller, 50);
        return TypedResults.Ok(new JobsOverview(schedules.OrderBy(s => s.Job).ToList(), recent.Select(r => r.ToContract()).ToList()));
    }
}
