
namespace LandRegister.Api.Spatial;

public static class Crs
{
    /// <summary>The <c>crs</c> query parameter, or a 400 that lists the CRSs the register accepts.</summary>
    public static InputCrs Parse(string? text, string field = "crs")
    {
        if (InputCrs.TryParse(text, out var crs)) return crs;
        var errors = new FieldErrors();
        errors.AddUnknown(field, $"unknown or unsupported CRS '{text}'", InputCrs.Allowed);
        throw errors.ToProblem();
    }
}
