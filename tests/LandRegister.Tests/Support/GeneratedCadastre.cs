using Dapper;
using Npgsql;

namespace LandRegister.Tests.Support;

/// <summary>
/// A cadastre made for the tests, shaped like a real one: irregular parcels that all touch (the Voronoi cells of random
/// points, clipped to a square), surveyed in a Gauss-Krüger zone and published in WGS84 like a French or Chinese cadastral
/// export: a 14-character <c>id</c>, a <c>numero</c>, and <c>contenance</c>, the surveyed area in m² (the cell's area in
/// the projection). Made by PostGIS from a seed, so the same seed gives the same file.
/// </summary>
public static class GeneratedCadastre
{
    /// <summary>
    /// A GeoJSON FeatureCollection of about <paramref name="parcels"/> parcels over a square of <paramref name="sideM"/>
    /// metres whose south-west corner is (<paramref name="easting"/>, <paramref name="northing"/>) in <paramref name="gkEpsg"/>.
    /// </summary>
    public static async Task<string> FeatureCollectionAsync(NpgsqlConnection conn, int parcels, double sideM = 2000, int seed = 42,
        int gkEpsg = 4549, double easting = 480_000, double northing = 3_738_000)
    {
        await conn.ExecuteAsync("SELECT setseed(@seed)", new { seed = seed % 1000 / 1000.0 });
        return (await conn.ExecuteScalarAsync<string>("""
            WITH square AS (SELECT ST_MakeEnvelope(@easting, @northing, @easting + @side, @northing + @side, @gkEpsg) AS g),
            points AS (SELECT ST_Collect(ST_SetSRID(ST_MakePoint(@easting + random() * @side, @northing + random() * @side), @gkEpsg)) AS g
                       FROM generate_series(1, @parcels)),
            cells AS (SELECT (ST_Dump(ST_VoronoiPolygons(points.g, 0, square.g))).geom AS g FROM points, square),
            clipped AS (SELECT ST_Intersection(ST_SetSRID(cells.g, @gkEpsg), square.g) AS g FROM cells, square),
            numbered AS (SELECT row_number() OVER (ORDER BY ST_Y(ST_Centroid(g)) DESC, ST_X(ST_Centroid(g))) AS n, g
                         FROM clipped WHERE ST_Area(g) > 1)
            SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(json_build_object(
                       'type', 'Feature', 'id', format('CAD000GK%s', lpad(n::text, 6, '0')),
                       'geometry', ST_AsGeoJSON(ST_Transform(g, 4326), 8)::json,
                       'properties', json_build_object('numero', n, 'section', 'GK', 'contenance', round(ST_Area(g))::integer))
                   ORDER BY n))::text
            FROM numbered
            """, new { parcels, side = sideM, gkEpsg, easting, northing }))!;
    }
}
