using LandRegister.Api.Access;
using LandRegister.Api.Parcels;

namespace LandRegister.Api.Lifecycle;

/// <summary>
/// The routes of a parcel's life, in one table: transitions and supply records, history and lineage, split and merge.
/// The handlers are in the files named after them; the writes they make are <see cref="ParcelWrites"/>'s.
/// </summary>
public static class LifecycleApi
{
    const string GeoJson = FeatureCollection<ParcelFeature>.MediaType;

    public static RouteGroupBuilder MapParcelLifecycle(this IEndpointRouteBuilder app)
    {
        var parcels = app.MapGroup("/api/parcels").WithTags("Parcels");
        parcels.MapPost("/{id:long}/transitions", TransitionsApi.TransitionParcel).WithName(nameof(TransitionsApi.TransitionParcel))
            .RequireAuthorization(Permission.EditRegister).Produces<ParcelFeature>(200, GeoJson)
            .WithSummary("Change a parcel's status by the rules of its lifecycle (If-Match required)");
        parcels.MapGet("/{id:long}/supply", TransitionsApi.GetSupply).WithName(nameof(TransitionsApi.GetSupply))
            .RequireAuthorization(Permission.ReadRegister).WithSummary("The parcel's current supply record");
        parcels.MapPost("/{id:long}/supply-corrections", TransitionsApi.CorrectSupply).WithName(nameof(TransitionsApi.CorrectSupply))
            .RequireAuthorization(Permission.EditRegister)
            .WithSummary("Correct the supply record: a new record replaces it, the old one is kept (If-Match: the parcel's ETag)");
        parcels.MapGet("/{id:long}/history", HistoryApi.GetHistory).WithName(nameof(HistoryApi.GetHistory)).RequireAuthorization(Permission.ReadHistory)
            .WithSummary("Every version of a parcel, with who changed what, when and why");
        parcels.MapGet("/{id:long}/lineage", HistoryApi.GetLineage).WithName(nameof(HistoryApi.GetLineage)).RequireAuthorization(Permission.ReadHistory)
            .WithSummary("The parcels a parcel was split or merged from, and those made from it");
        parcels.MapPost("/{id:long}/split", LineageApi.SplitParcel).WithName(nameof(LineageApi.SplitParcel)).RequireAuthorization(Permission.EditRegister)
            .Produces<FeatureCollection<ParcelFeature>>(201, GeoJson)
            .WithSummary("Split a parcel into parts that cover it exactly (If-Match required)");
        parcels.MapPost("/merge", LineageApi.MergeParcels).WithName(nameof(LineageApi.MergeParcels)).RequireAuthorization(Permission.EditRegister)
            .Produces<ParcelFeature>(201, GeoJson)
            .WithSummary("Merge adjacent parcels of the same zone, park, status and planned use (each parent's ETag in the body)");
        return parcels;
    }
}
