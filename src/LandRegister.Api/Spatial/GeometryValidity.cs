using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace LandRegister.Api.Spatial;

/// <summary>
/// Whether a client's polygon is valid, decided by NetTopologySuite in the CRS the client sent it in: the same rules and
/// wording as PostGIS (both follow JTS), without a round trip to the database.
/// </summary>
public static class GeometryValidity
{
    /// <summary>Why the geometry is invalid (the reason and where), or null when it is valid.</summary>
    public static string? Problem(Geometry geometry, out Coordinate? at)
    {
        var error = new IsValidOp(geometry).ValidationError;
        at = error?.Coordinate;
        return error is null ? null : Describe(error.Message, at?.X, at?.Y);
    }

    /// <summary>Throws a 422 naming the reason and the position where the polygon is invalid.</summary>
    public static void EnsureValid(Geometry geometry, string field)
    {
        if (Problem(geometry, out var at) is { } reason)
            throw Problems.Invalid(field, reason,
                new Dictionary<string, object?> { ["location"] = at is null ? null : new[] { at.X, at.Y } });
    }

    public static string Describe(string? reason, double? x, double? y) =>
        x is null
            ? $"invalid polygon: {reason}"
            : string.Create(CultureInfo.InvariantCulture, $"invalid polygon: {reason} at [{x}, {y}]");
}
