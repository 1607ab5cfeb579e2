using System.Globalization;
using LandRegister.Cql2;

namespace LandRegister.Tests.Cql2;

/// <summary>
/// The CQL2 readers against the examples of the standard (OGC 21-065r2) for each class the register declares — Basic
/// CQL2, the advanced comparison operators, the spatial and the temporal functions — in the text encoding and in the JSON one, which must
/// read to the same tree; the examples of classes it does not declare are refused with their position.
/// </summary>
public sealed class Cql2ReaderTests
{
    /// <summary>A tree written out without positions, to compare the two encodings and to state what a filter means.</summary>
    static string Show(Cql2Expression e) => e switch
    {
        Cql2Logical l => $"({l.Operator.ToString().ToLowerInvariant()} {string.Join(" ", l.Args.Select(Show))})",
        Cql2Not n => $"(not {Show(n.Arg)})",
        Cql2Comparison c => $"({c.Operator} {Show(c.Left)} {Show(c.Right)})",
        Cql2Like l => $"(like {Show(l.Value)} {Show(l.Pattern)})",
        Cql2Between b => $"(between {Show(b.Value)} {Show(b.Low)} {Show(b.High)})",
        Cql2In i => $"(in {Show(i.Value)} [{string.Join(" ", i.List.Select(Show))}])",
        Cql2IsNull n => $"(isNull {Show(n.Value)})",
        Cql2Spatial s => $"({s.Function} {Show(s.Left)} {Show(s.Right)})",
        Cql2Property p => p.Name,
        Cql2Text t => $"'{t.Value}'",
        Cql2Number n => n.Value.ToString("R", CultureInfo.InvariantCulture),
        Cql2Boolean b => b.Value ? "true" : "false",
        Cql2Date d => $"date:{d.Value:yyyy-MM-dd}",
        Cql2Timestamp t => $"timestamp:{t.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}",
        Cql2Geometry g => g.Wkt,
        Cql2Temporal t => $"({t.Function} {Show(t.Left)} {Show(t.Right)})",
        Cql2Interval i => $"[{Show(i.Start)} {Show(i.End)}]",
        Cql2Open => "..",
        _ => throw new ArgumentException(e.GetType().Name),
    };

    [Theory]
    // Basic CQL2
    [InlineData("city='Toronto'", "(= city 'Toronto')")]
    [InlineData("updated >= date('1970-01-01')", "(>= updated date:1970-01-01)")]
    [InlineData("geometry IS NOT NULL", "(not (isNull geometry))")]
    [InlineData("landsat:scene_id = 'LC82030282019133LGN00'", "(= landsat:scene_id 'LC82030282019133LGN00')")]
    [InlineData("eo:cloud_cover < 0.1 AND landsat:wrs_row=28 AND landsat:wrs_path=203",
        "(and (< eo:cloud_cover 0.1) (= landsat:wrs_row 28) (= landsat:wrs_path 203))")]
    [InlineData("eo:cloud_cover=0.1 OR eo:cloud_cover=0.2", "(or (= eo:cloud_cover 0.1) (= eo:cloud_cover 0.2))")]
    [InlineData("floors>5", "(> floors 5)")]
    [InlineData("taxes <= 500", "(<= taxes 500)")]
    [InlineData("swimming_pool = true", "(= swimming_pool true)")]
    [InlineData("floors>5 AND swimming_pool=true", "(and (> floors 5) (= swimming_pool true))")]
    [InlineData("swimming_pool=true AND (floors>5 OR  material LIKE 'brick%' OR  material LIKE '%brick')",
        "(and (= swimming_pool true) (or (> floors 5) (like material 'brick%') (like material '%brick')))")]
    [InlineData("(floors>5 AND material='brick') OR swimming_pool=true", "(or (and (> floors 5) (= material 'brick')) (= swimming_pool true))")]
    [InlineData("NOT (floors<5) OR swimming_pool=true", "(or (not (< floors 5)) (= swimming_pool true))")]
    [InlineData("\"id\" = 'fa7e1920-9107-422d-a3db-c468cbc5d6df'", "(= id 'fa7e1920-9107-422d-a3db-c468cbc5d6df')")]
    [InlineData("\"id\" <> 'fa7e1920-9107-422d-a3db-c468cbc5d6df'", "(<> id 'fa7e1920-9107-422d-a3db-c468cbc5d6df')")]
    [InlineData("\"value\" < 10", "(< value 10)")]
    [InlineData("\"value\" >= 10", "(>= value 10)")]
    [InlineData("\"value\" IS NULL", "(isNull value)")]
    [InlineData("NOT \"value\" IS NULL", "(not (isNull value))")]
    [InlineData("name = 'O''Brien' and TRUE", "(and (= name 'O'Brien') true)")]
    [InlineData("updated_at < TIMESTAMP('2012-08-10T05:30:00.000000Z')", "(< updated_at timestamp:2012-08-10T05:30:00.000000Z)")]
    // Advanced comparison operators
    [InlineData("name LIKE 'Smith%'", "(like name 'Smith%')")]
    [InlineData("depth BETWEEN 100.0 and 150.0", "(between depth 100 150)")]
    [InlineData("cityName IN ('Toronto','Frankfurt','Tokyo','New York')", "(in cityName ['Toronto' 'Frankfurt' 'Tokyo' 'New York'])")]
    [InlineData("category NOT IN (1,2,3,4)", "(not (in category [1 2 3 4]))")]
    [InlineData("owner NOT LIKE '%Mike%'", "(not (like owner '%Mike%'))")]
    [InlineData("(owner LIKE 'mike%' OR owner LIKE 'Mike%') AND floors<4", "(and (or (like owner 'mike%') (like owner 'Mike%')) (< floors 4))")]
    [InlineData("eo:cloud_cover BETWEEN 0.1 AND 0.2 AND landsat:wrs_row=28 AND landsat:wrs_path=203",
        "(and (between eo:cloud_cover 0.1 0.2) (= landsat:wrs_row 28) (= landsat:wrs_path 203))")]
    [InlineData("\"value\" NOT BETWEEN 10 AND 20", "(not (between value 10 20))")]
    [InlineData("NOT \"value\" IN ('a', 'b', 'c')", "(not (in value ['a' 'b' 'c']))")]
    [InlineData("(\"value\" IS NULL OR \"value\" BETWEEN 10 AND 20)", "(or (isNull value) (between value 10 20))")]
    [InlineData("\"name\" NOT LIKE 'foo%' AND \"value\" > 10", "(and (not (like name 'foo%')) (> value 10))")]
    // Spatial functions, with every kind of geometry literal
    [InlineData("S_INTERSECTS(geometry,POINT(36.319836 32.288087))", "(s_intersects geometry POINT(36.319836 32.288087))")]
    [InlineData("S_INTERSECTS(geometry,POLYGON((-10.0 -10.0,10.0 -10.0,10.0 10.0,-10.0 -10.0)))",
        "(s_intersects geometry POLYGON((-10 -10,10 -10,10 10,-10 -10)))")]
    [InlineData("S_WITHIN(location,BBOX(-118,33.8,-117.9,34))", "(s_within location POLYGON((-118 33.8,-117.9 33.8,-117.9 34,-118 34,-118 33.8)))")]
    [InlineData("floors>5 AND S_WITHIN(geometry,BBOX(-118,33.8,-117.9,34))",
        "(and (> floors 5) (s_within geometry POLYGON((-118 33.8,-117.9 33.8,-117.9 34,-118 34,-118 33.8))))")]
    [InlineData("S_INTERSECTS(\"geometry\", BBOX(-128.098193, -1.1, -99999.0, 180.0, 90.0, 100000.0))",
        "(s_intersects geometry POLYGON((-128.098193 -1.1,180 -1.1,180 90,-128.098193 90,-128.098193 -1.1)))")]
    [InlineData("S_EQUALS(POLYGON ((-0.333333 89.0, -102.723546 -0.5, -179.0 -89.0, -1.9 89.0, -0.0 89.0, 2.00001 -1.9, -0.333333 89.0)), \"geometry\")",
        "(s_equals POLYGON((-0.333333 89,-102.723546 -0.5,-179 -89,-1.9 89,-0 89,2.00001 -1.9,-0.333333 89)) geometry)")]
    [InlineData("S_DISJOINT(\"geometry\", MULTIPOLYGON (((144.022387 45.176126, -1.1 0.0, 180.0 47.808086, 144.022387 45.176126))))",
        "(s_disjoint geometry MULTIPOLYGON(((144.022387 45.176126,-1.1 0,180 47.808086,144.022387 45.176126))))")]
    [InlineData("S_TOUCHES(\"geometry\", MULTILINESTRING ((-1.9 -0.99999, 75.292574 1.5, -0.5 -4.016458),(-1.9 -1.1, 1.5 8.547371)))",
        "(s_touches geometry MULTILINESTRING((-1.9 -0.99999,75.292574 1.5,-0.5 -4.016458),(-1.9 -1.1,1.5 8.547371)))")]
    [InlineData("S_WITHIN(POLYGON Z ((-49.88024 0.5 -75993.341684, -1.5 -0.99999 -100000.0, 0.0 0.5 -0.333333, -49.88024 0.5 -75993.341684)), \"geometry\")",
        "(s_within POLYGON((-49.88024 0.5,-1.5 -0.99999,0 0.5,-49.88024 0.5)) geometry)")]
    [InlineData("S_OVERLAPS(\"geometry\", BBOX(-179.912109, 1.9, 180.0, 16.897016))",
        "(s_overlaps geometry POLYGON((-179.912109 1.9,180 1.9,180 16.897016,-179.912109 16.897016,-179.912109 1.9)))")]
    [InlineData("S_CROSSES(\"geometry\", LINESTRING (172.03086 1.5, 1.1 -90.0, -159.757695 0.99999))",
        "(s_crosses geometry LINESTRING(172.03086 1.5,1.1 -90,-159.757695 0.99999))")]
    [InlineData("S_CONTAINS(\"geometry\", POINT (-3.508362 -1.754181))", "(s_contains geometry POINT(-3.508362 -1.754181))")]
    [InlineData("S_EQUALS(MULTIPOINT ((180.0 -0.5), (179.0 -47.121701)), \"geometry\")", "(s_equals MULTIPOINT((180 -0.5),(179 -47.121701)) geometry)")]
    [InlineData("S_EQUALS(MULTIPOINT (180.0 -0.5, 179.0 -47.121701), \"geometry\")", "(s_equals MULTIPOINT((180 -0.5),(179 -47.121701)) geometry)")]
    [InlineData("S_EQUALS(GEOMETRYCOLLECTION (POINT (1.9 2.00001), LINESTRING (179.0 1.179148, -148.192487 -65.007816, 0.5 0.333333)), \"geometry\")",
        "(s_equals GEOMETRYCOLLECTION(POINT(1.9 2.00001),LINESTRING(179 1.179148,-148.192487 -65.007816,0.5 0.333333)) geometry)")]
    [InlineData("s_intersects(footprint, POINT(1 2)) and eo:instrument like 'OLI%'", "(and (s_intersects footprint POINT(1 2)) (like eo:instrument 'OLI%'))")]
    // Temporal functions, on instants and intervals
    [InlineData("T_BEFORE(built, DATE('2015-01-01'))", "(t_before built date:2015-01-01)")]
    [InlineData("T_AFTER(built,DATE('2012-06-05'))", "(t_after built date:2012-06-05)")]
    [InlineData("T_INTERSECTS(event_time, INTERVAL('1969-07-16T05:32:00Z', '1969-07-24T16:50:35Z'))",
        "(t_intersects event_time [timestamp:1969-07-16T05:32:00.000000Z timestamp:1969-07-24T16:50:35.000000Z])")]
    [InlineData("T_DURING(INTERVAL(starts_at, ends_at), INTERVAL('2017-06-10T07:30:00Z', '2017-06-11T10:30:00Z'))",
        "(t_during [starts_at ends_at] [timestamp:2017-06-10T07:30:00.000000Z timestamp:2017-06-11T10:30:00.000000Z])")]
    [InlineData("T_AFTER(\"updated_at\", DATE('2010-02-10'))", "(t_after updated_at date:2010-02-10)")]
    [InlineData("T_BEFORE(\"updated_at\", TIMESTAMP('2012-08-10T05:30:00.000000Z'))", "(t_before updated_at timestamp:2012-08-10T05:30:00.000000Z)")]
    [InlineData("T_CONTAINS(INTERVAL('2000-01-01T00:00:00.000000Z', '2005-01-10T01:01:01.393216Z'), INTERVAL(starts_at, ends_at))",
        "(t_contains [timestamp:2000-01-01T00:00:00.000000Z timestamp:2005-01-10T01:01:01.393216Z] [starts_at ends_at])")]
    [InlineData("T_DISJOINT(INTERVAL('..', '2005-01-10T01:01:01.393216Z'), INTERVAL(starts_at, ends_at))",
        "(t_disjoint [.. timestamp:2005-01-10T01:01:01.393216Z] [starts_at ends_at])")]
    [InlineData("T_DURING(INTERVAL(starts_at, ends_at), INTERVAL('2005-01-10', '2010-02-10'))", "(t_during [starts_at ends_at] [date:2005-01-10 date:2010-02-10])")]
    [InlineData("T_EQUALS(\"updated_at\", DATE('1851-04-29'))", "(t_equals updated_at date:1851-04-29)")]
    [InlineData("T_FINISHES(INTERVAL(starts_at, ends_at), INTERVAL('1991-10-07', '2010-02-10T05:29:20.073225Z'))",
        "(t_finishes [starts_at ends_at] [date:1991-10-07 timestamp:2010-02-10T05:29:20.073225Z])")]
    [InlineData("T_MEETS(INTERVAL('2005-01-10', '2010-02-10'), INTERVAL(starts_at, ends_at))", "(t_meets [date:2005-01-10 date:2010-02-10] [starts_at ends_at])")]
    [InlineData("T_OVERLAPS(INTERVAL(starts_at, ends_at), INTERVAL('1991-10-07T08:21:06.393262Z', '1992-10-09T08:08:08.393473Z'))",
        "(t_overlaps [starts_at ends_at] [timestamp:1991-10-07T08:21:06.393262Z timestamp:1992-10-09T08:08:08.393473Z])")]
    [InlineData("T_STARTS(INTERVAL(starts_at, ends_at), INTERVAL('1991-10-07T08:21:06.393262Z', '..'))",
        "(t_starts [starts_at ends_at] [timestamp:1991-10-07T08:21:06.393262Z ..])")]
    public void The_standards_examples_read_as_they_mean(string text, string meaning) =>
        Assert.Equal(meaning, Show(Cql2TextReader.Read(text)));

    [Theory]
    [InlineData("""{"op":"=","args":[{"property":"city"},"Toronto"]}""", "city='Toronto'")]
    [InlineData("""{"op":">=","args":[{"property":"updated"},{"date":"1970-01-01"}]}""", "updated >= date('1970-01-01')")]
    [InlineData("""{"op":"not","args":[{"op":"isNull","args":[{"property":"geometry"}]}]}""", "geometry IS NOT NULL")]
    [InlineData("""{"op":"and","args":[{"op":"=","args":[{"property":"swimming_pool"},true]},{"op":"or","args":[{"op":">","args":[{"property":"floors"},5]},{"op":"like","args":[{"property":"material"},"brick%"]},{"op":"like","args":[{"property":"material"},"%brick"]}]}]}""",
        "swimming_pool=true AND (floors>5 OR material LIKE 'brick%' OR material LIKE '%brick')")]
    [InlineData("""{"op":"between","args":[{"property":"depth"},100.0,150.0]}""", "depth BETWEEN 100.0 and 150.0")]
    [InlineData("""{"op":"not","args":[{"op":"in","args":[{"property":"category"},[1,2,3,4]]}]}""", "category NOT IN (1,2,3,4)")]
    [InlineData("""{"op":"<","args":[{"property":"updated_at"},{"timestamp":"2012-08-10T05:30:00Z"}]}""", "updated_at < TIMESTAMP('2012-08-10T05:30:00Z')")]
    [InlineData("""{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[36.319836,32.288087]}]}""",
        "S_INTERSECTS(geometry,POINT(36.319836 32.288087))")]
    [InlineData("""{"op":"s_within","args":[{"property":"location"},{"bbox":[-118,33.8,-117.9,34]}]}""", "S_WITHIN(location,BBOX(-118,33.8,-117.9,34))")]
    [InlineData("""{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[-10,-10],[10,-10],[10,10],[-10,-10]]]}]}""",
        "S_INTERSECTS(geometry,POLYGON((-10.0 -10.0,10.0 -10.0,10.0 10.0,-10.0 -10.0)))")]
    [InlineData("""{"op":"s_disjoint","args":[{"property":"geometry"},{"type":"MultiPolygon","coordinates":[[[[144.022387,45.176126],[-1.1,0.0],[180.0,47.808086],[144.022387,45.176126]]]]}]}""",
        "S_DISJOINT(\"geometry\", MULTIPOLYGON (((144.022387 45.176126, -1.1 0.0, 180.0 47.808086, 144.022387 45.176126))))")]
    [InlineData("""{"op":"s_equals","args":[{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1.9,2.00001]},{"type":"MultiLineString","coordinates":[[[0,0],[1,1]]]},{"type":"MultiPoint","coordinates":[[0,1]]},{"type":"LineString","coordinates":[[0,0],[1,1]]}]},{"property":"geometry"}]}""",
        "S_EQUALS(GEOMETRYCOLLECTION(POINT(1.9 2.00001), MULTILINESTRING((0 0, 1 1)), MULTIPOINT(0 1), LINESTRING(0 0, 1 1)), geometry)")]
    [InlineData("""{"op":"t_before","args":[{"property":"built"},{"date":"2015-01-01"}]}""", "T_BEFORE(built, DATE('2015-01-01'))")]
    [InlineData("""{"op":"t_during","args":[{"interval":[{"property":"starts_at"},{"property":"ends_at"}]},{"interval":["2017-06-10T07:30:00Z","2017-06-11T10:30:00Z"]}]}""",
        "T_DURING(INTERVAL(starts_at, ends_at), INTERVAL('2017-06-10T07:30:00Z', '2017-06-11T10:30:00Z'))")]
    [InlineData("""{"op":"t_disjoint","args":[{"interval":["..","2005-01-10T01:01:01.393216Z"]},{"interval":[{"property":"starts_at"},{"property":"ends_at"}]}]}""",
        "T_DISJOINT(INTERVAL('..', '2005-01-10T01:01:01.393216Z'), INTERVAL(starts_at, ends_at))")]
    public void Both_encodings_read_to_the_same_filter(string json, string text) =>
        Assert.Equal(Show(Cql2TextReader.Read(text)), Show(Cql2JsonReader.Read(json)));

    [Theory]
    // Examples of classes the register does not declare: functions, arithmetic, case and accent folding, arrays.
    [InlineData("avg(windSpeed) < 4", "line 1, column 4")]
    [InlineData("balance-150.0 > 0", "line 1, column 8")]
    [InlineData("vehicle_height > (bridge_clearance-1)", "line 1, column 18")]
    [InlineData("CASEI(road_class) IN (CASEI('Οδος'),CASEI('Straße'))", "line 1, column 1")]
    [InlineData("A_CONTAINS(layer:ids, ('layers-ca','layers-us'))", "line 1, column 11")]
    [InlineData("T_INTERSECTS(event_time, INTERVAL(touchdown))", "line 1, column 44")]
    [InlineData("S_WITHIN(road,Buffer(geometry,10,'m'))", "line 1, column 21")]
    // Malformed filters
    [InlineData("status = 'idle' AND", "line 1, column 20")]
    [InlineData("status = 'idle", "line 1, column 10")]
    [InlineData("status == 'idle'", "line 1, column 9")]
    [InlineData("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 0.5)))", "line 1, column 24")]
    [InlineData("S_INTERSECTS(geometry, BBOX(1, 1, 0, 0))", "line 1, column 24")]
    [InlineData("S_INTERSECTS(geometry, POINT(1 2)", "line 1, column 34")]
    [InlineData("updated >= DATE('1970-13-01')", "line 1, column 16")]
    [InlineData("updated >= TIMESTAMP('1970-01-01 00:00')", "line 1, column 21")]
    [InlineData("code = 'a'; DROP TABLE parcel", "line 1, column 11")]
    [InlineData("and = 1", "line 1, column 1")]
    public void A_filter_the_register_cannot_read_is_refused_with_its_position(string text, string at)
    {
        var refused = Assert.Throws<Cql2Exception>(() => Cql2TextReader.Read(text));
        Assert.Equal(at, refused.At);
        Assert.NotEmpty(refused.Reason);
    }

    [Theory]
    [InlineData("""{"op":"casei","args":[{"property":"a"}]}""", "$.op")]
    [InlineData("""{"op":"a_contains","args":[{"property":"a"},["x"]]}""", "$.op")]
    [InlineData("""{"op":"t_intersects","args":[{"property":"a"},{"interval":["2020-01-01"]}]}""", "$.args[1].interval")]
    [InlineData("""{"op":"t_intersects","args":[{"property":"a"},{"interval":["2020-01-01", 5]}]}""", "$.args[1].interval[1]")]
    [InlineData("""{"op":"=","args":[{"property":"a"}]}""", "$.args")]
    [InlineData("""{"op":"and","args":[{"op":"=","args":[{"property":"a"},1]},{"foo":1}]}""", "$.args[1]")]
    [InlineData("""{"op":"s_intersects","args":[{"property":"g"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}]}""", "$.args[1].coordinates")]
    [InlineData("""{"op":"s_intersects","args":[{"property":"g"},{"type":"Circle","coordinates":[0,0]}]}""", "$.args[1].type")]
    [InlineData("""{"op":"=","args":[{"property":"a"},{"date":"yesterday"}]}""", "$.args[1]")]
    [InlineData("""{"op":"=", "args": [""", "line 1, byte 21")]
    public void A_json_filter_the_register_cannot_read_is_refused_with_its_path(string json, string at) =>
        Assert.Equal(at, Assert.Throws<Cql2Exception>(() => Cql2JsonReader.Read(json)).At);

    [Fact]
    public void A_hostile_filter_nested_deep_or_long_is_refused_not_followed()
    {
        Assert.Contains("nests", Assert.Throws<Cql2Exception>(() => Cql2TextReader.Read(new string('(', 100_000) + "a = 1" + new string(')', 100_000))).Reason);
        Assert.Contains("nests", Assert.Throws<Cql2Exception>(() => Cql2TextReader.Read(string.Concat(Enumerable.Repeat("NOT ", 100_000)) + "a = 1")).Reason);
        Assert.Contains("tokens", Assert.Throws<Cql2Exception>(() => Cql2TextReader.Read($"a IN ({string.Join(",", Enumerable.Range(0, 30_000))})")).Reason);
        var deepJson = string.Concat(Enumerable.Repeat("""{"op":"not","args":[""", 10_000)) + "true" + new string(']', 10_000).Replace("]", "]}");
        Assert.Throws<Cql2Exception>(() => Cql2JsonReader.Read(deepJson));
        // Up to the limit, nesting reads.
        Assert.Equal("(= a 1)", Show(Cql2TextReader.Read(new string('(', 60) + "a = 1" + new string(')', 60))));
    }
}
