using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.LandUses;

public static class LandUsesApi
{
    public static RouteGroupBuilder MapLandUses(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/land-uses").WithTags("Land uses");
        group.MapGet("/", ListLandUses).WithName(nameof(ListLandUses)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("The land-use codes the register accepts, with the legacy codes mapped onto them");
        return group;
    }

    public static async Task<Ok<LandUseCatalogue>> ListLandUses(LandUseCodes codes) =>
        TypedResults.Ok(await codes.CatalogueAsync());
}
