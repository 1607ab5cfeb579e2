using System.Globalization;
using LandRegister.Api.Access;

namespace LandRegister.Api.Ogc;

/// <summary>
/// OGC API – Features Part 2 (CRS by reference): the parcels collection answers in CGCS2000 (EPSG:4490) and in the
/// Gauss-Krüger projection of each of the caller's zones as well as in CRS84, and reads <c>bbox</c> in any of them
/// (<c>bbox-crs</c>). EPSG's own axis order is kept, as Part 2 asks: latitude first for EPSG:4490, northing first for the
/// CGCS2000 Gauss-Krüger projections (EPSG:4513-4554).
/// </summary>
static class OgcCrs
{
    public const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    public static string Uri(int epsg) => $"http://www.opengis.net/def/crs/EPSG/0/{epsg.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>CRS84, CGCS2000, then the Gauss-Krüger projections of the caller's zones.</summary>
    public static async Task<string[]> OfferedAsync(OgcRequest r)
    {
        await using var conn = await r.Db.OpenConnectionAsync();
        var projections = await conn.QueryAsync<int>(
            $"SELECT DISTINCT gk_epsg FROM zone WHERE {Caller.InScope("code")} ORDER BY 1", new { scope = r.Caller.Scope });
        return [Crs84, Uri(4490), .. projections.Select(Uri)];
    }

    /// <summary>The EPSG code of a CRS the collection offers, or null for CRS84 (and for none given); else a 400 listing them.</summary>
    public static int? Parse(string? uri, string[] offered, string field)
    {
        if (uri is null || uri == Crs84) return null;
        const string Prefix = "http://www.opengis.net/def/crs/EPSG/0/";
        if (offered.Contains(uri) && uri.StartsWith(Prefix, StringComparison.Ordinal)) return int.Parse(uri[Prefix.Length..], CultureInfo.InvariantCulture);
        var errors = new FieldErrors();
        errors.AddUnknown(field, $"'{uri}' is not a CRS this collection offers", offered);
        throw errors.ToProblem();
    }

    /// <summary>
    /// A bbox in <paramref name="epsg"/>'s axis order (latitude or northing first) as a GeoJSON polygon in x, y order, for
    /// the parcel filter's <c>intersects</c> in that CRS.
    /// </summary>
    public static string Envelope(string bbox, int epsg)
    {
        var v = bbox.Split(',').Select(t => OgcApi.Number(t.Trim(), "bbox") ?? 0).ToArray();
        if (v.Length != 4) throw Problems.BadRequest("bbox", "four numbers: the lower corner then the upper one, in bbox-crs's axis order");
        var (minX, minY, maxX, maxY) = (v[1], v[0], v[3], v[2]);
        if (minX > maxX || minY > maxY) throw Problems.BadRequest("bbox", "the lower corner must not be above or beyond the upper one");
        string P(double x, double y) => $"[{x.ToString("R", CultureInfo.InvariantCulture)},{y.ToString("R", CultureInfo.InvariantCulture)}]";
        return $$"""{"type":"Polygon","coordinates":[[{{P(minX, minY)}},{{P(maxX, minY)}},{{P(maxX, maxY)}},{{P(minX, maxY)}},{{P(minX, minY)}}]]}""";
    }

    /// <summary>The GeoJSON of a parcel's geometry in <paramref name="epsg"/> (null: CRS84), in that CRS's axis order.</summary>
    public static string GeometrySql(int? epsg) => epsg is { } srid
        ? $"ST_AsGeoJSON(ST_FlipCoordinates(ST_Transform(geom, {srid.ToString(CultureInfo.InvariantCulture)})), {(srid == 4490 ? 9 : 3)})"
        : "ST_AsGeoJSON(geom, 8)";
}
