using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;

namespace LandRegister.Api.Parcels;

/// <summary>
/// A page's parcels as GeoJSON Features, each written straight from its row: the geometry's GeoJSON as PostGIS wrote it,
/// the properties of <see cref="ParcelProperties"/> in their order and written as the API writes them
/// (<see cref="ParcelRow.ToFeature"/>), each left out for a role that may not see it (its <see cref="AudienceAttribute"/>,
/// which the API's JSON filter reads too). Neither objects nor the serializer sit between the row and the bytes; and
/// PostgreSQL is not asked to build the properties' JSON, which cost it 8 ms of a 13 ms page of 1,000 parcels
/// (<c>json_build_object</c>, measured with pgbench) against about 1 ms here.
/// </summary>
sealed class ParcelJson
{
    delegate void Write(Utf8JsonWriter json, DbDataReader row, int ordinal);

    /// <summary>Each property's column, on <c>parcel</c> or on the as-of relation of its shape, and how its value is written.</summary>
    static readonly Dictionary<string, (string Column, Write Write)> Values = new()
    {
        ["code"] = ("code", Text), ["zoneCode"] = ("zone_code", Text), ["parkCode"] = ("park_code", Text), ["name"] = ("name", Text),
        ["plannedUse"] = ("planned_use", Text), ["actualUse"] = ("actual_use", Text), ["status"] = ("status", Text),
        ["registeredAreaM2"] = ("registered_area_m2", (json, row, i) => json.WriteNumberValue(row.GetDecimal(i))),
        ["areaM2"] = ("area_m2", (json, row, i) => json.WriteNumberValue(Area.Rounded(row.GetDouble(i)))),
        ["areaMu"] = ("area_m2", (json, row, i) => json.WriteNumberValue(Area.Mu(row.GetDouble(i)))),
        ["cleanLandChecklist"] = ("clean_checklist::text", Checklist),
        ["constructionStartedOn"] = ("construction_started_on",
            (json, row, i) => json.WriteStringValue(row.GetFieldValue<DateOnly>(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
        ["parentIds"] = ("parent_ids", ParentIds),
        ["createdAt"] = ("created_at", Instant), ["updatedAt"] = ("updated_at", Instant), ["retiredAt"] = ("retired_at", Instant),
        ["createdBy"] = ("created_by", Text), ["updatedBy"] = ("updated_by", Text),
    };

    /// <summary>The properties in the order the API writes them, and who may see each.</summary>
    static readonly (string Name, Audience Audience)[] Properties = typeof(ParcelProperties).GetConstructors().Single().GetParameters()
        .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name!),
                      AudienceAttribute.Of(typeof(ParcelProperties).GetProperty(p.Name!), typeof(ParcelProperties))))
        .ToArray();

    /// <summary>The clean-land checklist's items, in the record's order.</summary>
    static readonly string[] ChecklistItems = typeof(CleanLandChecklist).GetConstructors().Single().GetParameters()
        .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!)).ToArray();

    static readonly JsonWriterOptions Options = new() { Encoder = Json.Encoder, SkipValidation = true };

    readonly (JsonEncodedText Name, Write Write)[] chosen;
    readonly string columns;
    byte[] geometry = new byte[2048];
    Utf8JsonWriter? json;

    /// <summary>
    /// The Features a caller of <paramref name="audience"/> sees: the properties it may see (of those in
    /// <paramref name="only"/>, when given).
    /// </summary>
    public ParcelJson(Audience audience, IReadOnlySet<string>? only = null)
    {
        var names = Properties.Where(p => p.Audience <= audience && (only is null || only.Contains(p.Name))).Select(p => p.Name).ToArray();
        chosen = names.Select(n => (JsonEncodedText.Encode(n, Json.Encoder), Values[n].Write)).ToArray();
        columns = string.Concat(names.Select(n => ", " + Values[n].Column));
    }

    /// <summary>
    /// The select list a row needs: <c>id</c>, <paramref name="geometrySql"/> (the geometry's GeoJSON text), then each
    /// chosen property's column in order.
    /// </summary>
    public string SelectList(string geometrySql) => $"id, convert_to({geometrySql}, 'UTF8') AS geometry{columns}";

    /// <summary>
    /// Writes the Feature of the reader's current row, read as <see cref="SelectList"/> selects it, at the end of
    /// <paramref name="page"/> in UTF-8, after a comma unless it is the first.
    /// </summary>
    public void Append(DbDataReader row, PooledBuffer page)
    {
        if (page.Length > 0) page.Write(","u8);
        var json = this.json ??= new Utf8JsonWriter(page, Options);
        json.Reset(page);
        json.WriteStartObject();
        json.WriteString("type"u8, "Feature"u8);
        json.WriteNumber("id"u8, row.GetInt64(0));
        json.WritePropertyName("geometry"u8);
        var length = (int)row.GetBytes(1, 0, null, 0, 0);
        if (length > geometry.Length) geometry = new byte[Math.Max(length, 2 * geometry.Length)];
        row.GetBytes(1, 0, geometry, 0, length);
        json.WriteRawValue(geometry.AsSpan(0, length), skipInputValidation: true);
        json.WriteStartObject("properties"u8);
        for (var i = 0; i < chosen.Length; i++)
        {
            json.WritePropertyName(chosen[i].Name);
            if (row.IsDBNull(i + 2)) json.WriteNullValue();
            else chosen[i].Write(json, row, i + 2);
        }
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
    }

    static void Text(Utf8JsonWriter json, DbDataReader row, int i) => json.WriteStringValue(row.GetString(i));

    /// <summary>A timestamptz as the API writes a UTC instant (ISO 8601, fraction without trailing zeros, <c>+00:00</c>).</summary>
    static void Instant(Utf8JsonWriter json, DbDataReader row, int i) =>
        json.WriteStringValue(new DateTimeOffset(row.GetDateTime(i), TimeSpan.Zero));

    static void ParentIds(Utf8JsonWriter json, DbDataReader row, int i)
    {
        json.WriteStartArray();
        foreach (var id in row.GetFieldValue<long[]>(i)) json.WriteNumberValue(id);
        json.WriteEndArray();
    }

    /// <summary>The checklist's items, each its stored value or null, in the record's order.</summary>
    static void Checklist(Utf8JsonWriter json, DbDataReader row, int i)
    {
        using var stored = JsonDocument.Parse(row.GetString(i));
        json.WriteStartObject();
        foreach (var item in ChecklistItems)
        {
            json.WritePropertyName(item);
            if (stored.RootElement.TryGetProperty(item, out var value)) value.WriteTo(json);
            else json.WriteNullValue();
        }
        json.WriteEndObject();
    }
}
