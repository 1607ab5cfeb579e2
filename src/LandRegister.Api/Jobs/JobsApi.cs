using Hangfire;
using Hangfire.Storage;
using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Jobs;

/// <summary>A recurring job of the cluster: what it does, when it runs next and when it ran last.</summary>
/// <param name="Cron">Its schedule (minute hour day month weekday), in <c>TimeZone</c>.</param>
public sealed record JobSchedule(string Id, string Job, string Cron, string? TimeZone, DateTimeOffset? NextRunAt, DateTimeOffset? LastRunAt);

public sealed record JobsOverview(IReadOnlyList<JobSchedule> Schedules, IReadOnlyList<JobRun> RecentRuns);

public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs", GetJobs).WithName(nameof(GetJobs)).WithTags("Jobs").RequireAuthorization(Permission.ReadJobs)
            .WithSummary("The background jobs: recurring schedules and the 50 most recent runs");
        return app;
    }

    public static async Task<Ok<JobsOverview>> GetJobs(Caller caller, JobRuns runs, IServiceProvider services)
    {
        var schedules = new List<JobSchedule>();
        if (services.GetService<JobStorage>() is { } storage)
        {
            using var connection = storage.GetConnection();
            schedules.AddRange(connection.GetRecurringJobs().Select(j => new JobSchedule(
                j.Id, $"{j.Job?.Type.Name}({string.Join(", ", (j.Job?.Args ?? []).OfType<string>())})",
                j.Cron, j.TimeZoneId, j.NextExecution, j.LastExecution)).OrderBy(s => s.Id, StringComparer.Ordinal));
        }
        var recent = await runs.RecentAsync(caller, 50);
        return TypedResults.Ok(new JobsOverview(schedules, recent.ConvertAll(r => r.ToContract())));
    }
}
