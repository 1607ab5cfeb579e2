using System.Buffers.Binary;
using System.Text.Json;

namespace LandRegister.Api.Geometry;

/// <summary>
/// Writes checked GeoJSON geometry as 2D EWKB with its SRID, so PostGIS receives binary geometry instead of
/// parsing GeoJSON text (the GeoJSON parser was the slowest step of a bulk import).
/// </summary>
public static class Ewkb
{
    const uint SridFlag = 0x20000000;

    public static byte[] FromGeoJson(JsonElement geometry, int srid)
    {
        var w = new Writer();
        Geometry(w, geometry.GetProperty("type").GetString()!, geometry.GetProperty("coordinates"), srid);
        return w.ToArray();
    }

    static void Geometry(Writer w, string type, JsonElement c, int? srid)
    {
        var code = type switch
        {
            "Point" => 1u, "LineString" => 2u, "Polygon" => 3u,
            "MultiPoint" => 4u, "MultiLineString" => 5u, "MultiPolygon" => 6u,
            _ => throw new ArgumentException($"unsupported geometry type {type}"),
        };
        w.Byte(1);
        w.UInt(srid is null ? code : code | SridFlag);
        if (srid is { } s) w.UInt((uint)s);
        switch (code)
        {
            case 1: Position(w, c); break;
            case 2: Positions(w, c); break;
            case 3: Rings(w, c); break;
            default:
                var part = type[5..];
                w.UInt((uint)c.GetArrayLength());
                foreach (var e in c.EnumerateArray()) Geometry(w, part, e, null);
                break;
        }
    }

    static void Rings(Writer w, JsonElement rings)
    {
        w.UInt((uint)rings.GetArrayLength());
        foreach (var ring in rings.EnumerateArray()) Positions(w, ring);
    }

    static void Positions(Writer w, JsonElement positions)
    {
        w.UInt((uint)positions.GetArrayLength());
        foreach (var p in positions.EnumerateArray()) Position(w, p);
    }

    static void Position(Writer w, JsonElement p)
    {
        w.Double(p[0].GetDouble());
        w.Double(p[1].GetDouble());
    }

    sealed class Writer
    {
        byte[] buffer = new byte[256];
        int length;

        public void Byte(byte b)
        {
            Ensure(1);
            buffer[length++] = b;
        }

        public void UInt(uint v)
        {
            Ensure(4);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(length), v);
            length += 4;
        }

        public void Double(double v)
        {
            Ensure(8);
            BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(length), v);
            length += 8;
        }

        void Ensure(int n)
        {
            if (length + n > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + n));
        }

        public byte[] ToArray() => buffer.AsSpan(0, length).ToArray();
    }
}
