-- The demo zone, modelled on the Lianshui Economic Development Zone (涟水经济开发区, Jiangsu; see the 2024
-- rectification report): four parks, a few hundred parcels of realistic sizes with mixed statuses and uses,
-- three contiguous clean industrial land reserves of 500+ mu (one of 679 mu, as in the report), and some
-- raw land. Generated deterministically (a fixed random seed, a fixed order of draws): the same parcels,
-- codes and shapes on every machine.
--
-- Parcels are laid out in metres in the zone's CGCS2000 Gauss-Krüger projection (EPSG:4549, central
-- meridian 120°E), rotated per park, and stored in WGS84.

CREATE TEMP TABLE demo_plot (
    n integer GENERATED ALWAYS AS IDENTITY, park_code text, block text, part integer, reserve boolean,
    status text, planned_use text, actual_use text, title_factor double precision, geom geometry
) ON COMMIT DROP;

-- Attributes of one plot, drawn in the order the plots are made.
CREATE FUNCTION pg_temp.demo_plot_add(park text, block text, part integer, reserve boolean, g geometry)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r double precision := random();
    u double precision := random();
    m double precision := random();
    status text;
    planned text;
    actual text;
BEGIN
    IF reserve THEN
        status := 'clean_land';
        planned := (ARRAY['100101', '100102', '1001'])[1 + floor(u * 3)::integer];
    ELSE
        status := CASE WHEN r < 0.10 THEN 'raw_land' WHEN r < 0.17 THEN 'clean_land' WHEN r < 0.25 THEN 'supplied'
                       WHEN r < 0.33 THEN 'under_construction' WHEN r < 0.75 THEN 'in_use' WHEN r < 0.83 THEN 'low_efficiency'
                       WHEN r < 0.89 THEN 'idle' WHEN r < 0.94 THEN 'revitalizing' ELSE 'revitalized' END;
        planned := CASE WHEN u < 0.30 THEN '100101' WHEN u < 0.58 THEN '100102' WHEN u < 0.68 THEN '100103'
                        WHEN u < 0.78 THEN '1101' WHEN u < 0.84 THEN '0901' WHEN u < 0.88 THEN '0902'
                        WHEN u < 0.91 THEN '0701' WHEN u < 0.94 THEN '1313' WHEN u < 0.97 THEN '1401' ELSE '0804' END;
        IF status IN ('in_use', 'low_efficiency', 'idle', 'revitalizing', 'revitalized') THEN
            -- The audits' findings: industrial buildings leased to a school, commercial land used as housing.
            actual := CASE WHEN m < 0.06 AND planned LIKE '10%' THEN '0804'
                           WHEN m < 0.40 AND planned = '0901' THEN '0701'
                           ELSE planned END;
        END IF;
    END IF;
    INSERT INTO demo_plot (park_code, block, part, reserve, status, planned_use, actual_use, title_factor, geom)
    VALUES (park, block, part, reserve, status, planned, actual, 0.998 + random() * 0.004, g);
END $$;

CREATE FUNCTION pg_temp.demo_point(x double precision, y double precision) RETURNS geometry
LANGUAGE sql IMMUTABLE AS $$ SELECT ST_MakePoint(x, y) $$;

-- Splits a w × h block at (x0, y0) into strips with slanted side lines; some strips are cut again across.
-- Neighbouring plots share their vertices exactly, so they touch.
CREATE FUNCTION pg_temp.demo_split(park text, block text, x0 double precision, y0 double precision,
                                   w double precision, h double precision, parts integer, reserve boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    b double precision[] := array_fill(0::double precision, ARRAY[parts + 1]);
    t double precision[] := array_fill(0::double precision, ARRAY[parts + 1]);
    i integer;
    c double precision;
    s double precision;
    j double precision;
    yl double precision;
    yr double precision;
    xl double precision;
    xr double precision;
    part integer := 0;
BEGIN
    b[parts + 1] := w;
    t[parts + 1] := w;
    FOR i IN 2 .. parts LOOP
        c := w * (i - 1) / parts + (random() - 0.5) * w / parts * 0.4;
        s := (random() - 0.5) * 30;
        b[i] := c + s;
        t[i] := c - s;
    END LOOP;
    FOR i IN 1 .. parts LOOP
        IF NOT reserve AND random() < 0.3 THEN
            j := (random() - 0.5) * 20;
            yl := h / 2 + j;
            yr := h / 2 - j;
            xl := b[i] + (t[i] - b[i]) * yl / h;
            xr := b[i + 1] + (t[i + 1] - b[i + 1]) * yr / h;
            part := part + 1;
            PERFORM pg_temp.demo_plot_add(park, block, part, reserve, ST_MakePolygon(ST_MakeLine(ARRAY[
                pg_temp.demo_point(x0 + b[i], y0), pg_temp.demo_point(x0 + b[i + 1], y0),
                pg_temp.demo_point(x0 + xr, y0 + yr), pg_temp.demo_point(x0 + xl, y0 + yl),
                pg_temp.demo_point(x0 + b[i], y0)])));
            part := part + 1;
            PERFORM pg_temp.demo_plot_add(park, block, part, reserve, ST_MakePolygon(ST_MakeLine(ARRAY[
                pg_temp.demo_point(x0 + xl, y0 + yl), pg_temp.demo_point(x0 + xr, y0 + yr),
                pg_temp.demo_point(x0 + t[i + 1], y0 + h), pg_temp.demo_point(x0 + t[i], y0 + h),
                pg_temp.demo_point(x0 + xl, y0 + yl)])));
        ELSE
            part := part + 1;
            PERFORM pg_temp.demo_plot_add(park, block, part, reserve, ST_MakePolygon(ST_MakeLine(ARRAY[
                pg_temp.demo_point(x0 + b[i], y0), pg_temp.demo_point(x0 + b[i + 1], y0),
                pg_temp.demo_point(x0 + t[i + 1], y0 + h), pg_temp.demo_point(x0 + t[i], y0 + h),
                pg_temp.demo_point(x0 + b[i], y0)])));
        END IF;
    END LOOP;
END $$;

CREATE TEMP TABLE demo_park (
    code text, name text, tag text, industries text[], ox double precision, oy double precision,
    cols integer, rows_ integer, angle double precision
) ON COMMIT DROP;
INSERT INTO demo_park VALUES
    ('LS-CORE', '核心区', 'HX', ARRAY['电子信息', '智能终端'], 430000, 3738000, 4, 4, 8),
    ('LS-FOOD', '食品产业园', 'SP', ARRAY['食品加工', '农副产品'], 433000, 3738000, 3, 3, -5),
    ('LS-NM', '新材料产业园', 'XC', ARRAY['玻璃纤维', '新材料'], 430000, 3741000, 4, 3, 12),
    ('LS-AIR', '空港产业园', 'KG', ARRAY['装备制造', '新能源'], 433500, 3741000, 4, 3, 3);

-- The three contiguous reserves: an extra row of land north of their park's block grid.
CREATE TEMP TABLE demo_reserve (park_code text, mu double precision, width double precision, parts integer) ON COMMIT DROP;
INSERT INTO demo_reserve VALUES ('LS-AIR', 679, 1000, 4), ('LS-NM', 562, 850, 3), ('LS-CORE', 518, 800, 5);

DO $$
DECLARE
    road constant double precision := 40;   -- roads between blocks, in metres
    bw   constant double precision := 520;  -- block width
    bh   constant double precision := 380;  -- block height
    p    record;
    r    record;
BEGIN
    PERFORM setseed(0.2024);
    FOR p IN SELECT * FROM demo_park ORDER BY code LOOP
        FOR row_ IN 0 .. p.rows_ - 1 LOOP
            FOR col IN 0 .. p.cols - 1 LOOP
                PERFORM pg_temp.demo_split(p.code, format('%s-%s', row_ + 1, col + 1),
                    col * (bw + road), row_ * (bh + road), bw, bh, 2 + floor(random() * 4)::integer, false);
            END LOOP;
        END LOOP;
        FOR r IN SELECT * FROM demo_reserve WHERE park_code = p.code LOOP
            PERFORM pg_temp.demo_split(p.code, 'R', 0, p.rows_ * (bh + road),
                r.width, r.mu * 10000.0 / 15 / r.width, r.parts, true);
        END LOOP;
    END LOOP;
END $$;

-- From layout metres to the ground: Gauss-Krüger lengths are 1.000055 times ground lengths ~67 km west of
-- the central meridian, so the layout is scaled by that factor to make areas on the spheroid equal the
-- layout's; then it is rotated, placed, and taken to WGS84.
CREATE FUNCTION pg_temp.demo_place(g geometry, angle double precision, ox double precision, oy double precision)
RETURNS geometry LANGUAGE sql IMMUTABLE AS $$
    SELECT ST_Multi(ST_Transform(ST_SetSRID(ST_Translate(ST_Rotate(
        ST_Scale(g, 1.000055, 1.000055), radians(angle)), ox, oy), 4549), 4326))
$$;

INSERT INTO zone (code, name, gk_epsg, created_by, updated_by) VALUES ('LSKFQ', '涟水经济开发区', 4549, 'demo', 'demo');

INSERT INTO park (code, zone_code, name, boundary, leading_industries, created_by, updated_by)
SELECT p.code, 'LSKFQ', p.name,
       pg_temp.demo_place(ST_Buffer(ST_Envelope(ST_Collect(d.geom)), 20, 'join=mitre'), p.angle, p.ox, p.oy),
       p.industries, 'demo', 'demo'
FROM demo_park p JOIN demo_plot d ON d.park_code = p.code
GROUP BY p.code, p.name, p.industries, p.ox, p.oy, p.angle
ORDER BY p.code;

-- The zone's land as it has stood since 2018 (valid time), whenever the demo is loaded: past years' reserve targets
-- and evaluations read it from then.
INSERT INTO parcel (zone_code, code, park_code, name, planned_use, actual_use, status, geom, registered_area_m2, existed_from,
                    created_by, updated_by)
SELECT 'LSKFQ',
       format('320826%s%s', p.tag, lpad((row_number() OVER (PARTITION BY d.park_code ORDER BY d.n))::text, 4, '0')),
       d.park_code,
       CASE WHEN d.reserve THEN format('%s收储净地%s号', p.name, d.part)
            ELSE format('%s%s-%s号地块', p.name, d.block, d.part) END,
       d.planned_use, d.actual_use, d.status,
       ST_ForcePolygonCCW(pg_temp.demo_place(d.geom, p.angle, p.ox, p.oy)),
       CASE WHEN d.status NOT IN ('raw_land', 'clean_land') THEN round((ST_Area(d.geom) * d.title_factor)::numeric, 1) END,
       TIMESTAMPTZ '2018-01-01 00:00+08', 'demo', 'demo'
FROM demo_plot d JOIN demo_park p ON p.code = d.park_code
ORDER BY d.n;

DROP FUNCTION pg_temp.demo_place(geometry, double precision, double precision, double precision);
DROP FUNCTION pg_temp.demo_split(text, text, double precision, double precision, double precision, double precision, integer, boolean);
DROP FUNCTION pg_temp.demo_point(double precision, double precision);
DROP FUNCTION pg_temp.demo_plot_add(text, text, integer, boolean, geometry);
