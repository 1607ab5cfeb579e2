using LandRegister.Api.Access;
using LandRegister.Api.LandUses;
using LandRegister.Api.Reserves;
using LandRegister.Api.Spatial;

namespace LandRegister.Api.Tiles;

/// <summary>What a layer needs to prepare a tile's statement: who asks, and the register's services.</summary>
public sealed record TileRequest(Caller Caller, NpgsqlDataSource Db, ReserveSettings Reserves, LandUseCodes Uses);

/// <summary>
/// A layer of vector tiles, carrying its own SQL (as pg_tileserv gives each layer its own): which rows a tile shows, a
/// cheap summary of their versions (the fingerprint, for a tile not kept until a change is announced: it is rebuilt
/// exactly when one of its rows changed), their attributes and geometry. The tile statement builds the MVT in PostGIS
/// (<c>ST_AsMVTGeom</c>, <c>ST_AsMVT</c> with feature ids): measured, that is faster than materialising geometries in C#.
/// </summary>
public abstract class TileLayer
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract int MinZoom { get; }

    /// <summary>Tiles are built up to this zoom (where half a pixel is under a centimetre); clients overzoom beyond.</summary>
    public int MaxZoom => 22;

    /// <summary>
    /// The table whose rows the layer's tiles show, all of their attributes included, when the database announces its
    /// changes (migration 0016): its tiles of the present are then kept until a change touches them. Null for a layer
    /// drawn from anything else, whose tiles are checked against the rows' fingerprint on every request.
    /// </summary>
    public virtual string? Table => null;

    /// <summary>Each attribute every reader sees, and its type (String or Number).</summary>
    public abstract IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>Attributes only staff see.</summary>
    public virtual IReadOnlyDictionary<string, string> InternalFields { get; } = new Dictionary<string, string>();

    /// <summary>The rows of a tile: <c>FROM … WHERE …</c>, with <c>env</c> (the tile's envelopes) in scope.</summary>
    protected abstract string Rows { get; }

    /// <summary>What the fingerprint reads of each row (<see cref="Versions"/> sums them up).</summary>
    protected virtual string PrintColumns => "p.version AS print_version, p.id AS print_id";

    /// <summary>A summary of the rows' versions (of their <see cref="PrintColumns"/>) that changes whenever one of them does, in integer arithmetic.</summary>
    protected virtual string Versions => "sum(print_version)::text || ':' || bit_xor(print_id)::text";

    protected abstract string Attributes(bool internalFields);

    /// <summary>The geometry, in Web Mercator (of the rows as they stood at <c>@asOf</c> when <paramref name="past"/>).</summary>
    protected virtual string Geometry(bool past) => "ST_Transform(p.geom, 3857)";

    /// <summary>
    /// Which features a full tile keeps first: the largest. "+ 0": ordered by the area index, PostgreSQL would walk the
    /// whole table from the largest parcel down, testing each against the tile; the tile's own rows, sorted, are fewer.
    /// </summary>
    protected virtual string Order => "p.area_m2 + 0 DESC, p.id";

    /// <summary>
    /// For a layer that keeps a history, its rows as they stood at <c>@asOf</c> (valid time), as a relation named like
    /// its table, with <c>env</c> in scope; null for a layer that has none.
    /// </summary>
    public virtual string? AsOfRelation => null;

    /// <summary>Adds what this layer's statements need beyond the tile and the caller's zones.</summary>
    public virtual Task PrepareAsync(DynamicParameters args, TileRequest request) => Task.CompletedTask;

    /// <summary>The extent of the layer's data in the caller's zones, [west, south, east, north].</summary>
    public virtual Task<double[]> BoundsAsync(TileRequest request) => Extents.ParcelsAsync(request.Caller, request.Db);

    /// <summary>The buffer around a tile (64 of 4096 units), as a fraction of its side.</summary>
    public const double Margin = 0.015625;

    /// <summary>
    /// The tile's envelope in Web Mercator, and in WGS84 with the buffer's margin for the index filter; inlined
    /// (<c>NOT MATERIALIZED</c>): as a materialised step, read more than once, its box is unknown to the planner, which
    /// then read every parcel of a z10 tile from the spatial index (18 ms) where the area index finds none of them
    /// under a pixel (1 ms).
    /// </summary>
    const string Envelope = """
        env AS NOT MATERIALIZED (SELECT ST_TileEnvelope(@z, @x, @y) AS tile,
                       ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 0.015625), 4326) AS box)
        """;

    string With(bool past) => past ? $"{Envelope}, {AsOfRelation}" : Envelope;

    /// <summary>The number of the tile's rows and a summary of their versions, in one reading of them.</summary>
    string Fingerprint => $"SELECT count(*) AS features, coalesce({Versions}, '') AS versions FROM (SELECT {PrintColumns} {Rows}) p";

    /// <summary>The number of rows and a summary of their versions (of the rows as they stood at <c>@asOf</c> when <paramref name="past"/>).</summary>
    public string FingerprintSql(bool past) => $"""
        WITH {With(past)}
        {Fingerprint}
        """;

    /// <summary>
    /// The MVT of the tile: geometry simplified by half a pixel (<c>@tolerance</c>, Web Mercator metres; a feature
    /// smaller than that keeps its simplest shape: only <see cref="TileSettings.MinPixelArea"/> leaves it out), at most
    /// <c>@limit</c> features, the largest first when there are more.
    /// </summary>
    public string TileSql(bool internalFields, bool limited, bool past) => $"""
        WITH {With(past)},
        rows AS (
            SELECT {Attributes(internalFields)},
                   ST_AsMVTGeom(ST_Simplify({Geometry(past)}, @tolerance, true), env.tile, 4096, 64, true) AS geom
            {Rows}
            {(limited ? $"ORDER BY {Order} LIMIT @limit" : "")})
        SELECT ST_AsMVT(rows, '{Name}', 4096, 'geom', 'id') FROM rows WHERE geom IS NOT NULL
        """;

    public static IReadOnlyList<TileLayer> All { get; } = [new ParcelTiles(), new ReserveTiles(), new ParkTiles()];

    public static TileLayer? Find(string name) => All.FirstOrDefault(l => l.Name == name);
}
