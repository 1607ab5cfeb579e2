using System.Diagnostics;
using Npgsql;

namespace LandRegister.Bench;

/// <summary>
/// MapServer 8 (Debian's cgi-mapserver) under FastCGI, the peer for tiles and items: four mapserv workers started by
/// spawn-fcgi on a unix socket, behind nginx, reading the same PostGIS table as the API. Its mapfile serves the
/// parcels as an OGC API – Features collection and as MVT tiles with the API's feature rule (the same attributes,
/// parcels under a pixel left out, at most <see cref="MaxFeatures"/> per tile, the largest first).
/// </summary>
sealed class MapServerPeer : IAsyncDisposable
{
    public const int MaxFeatures = 8000;

    readonly string dir;
    readonly List<int> workers;
    readonly Process nginx;

    public HttpClient Client { get; }

    MapServerPeer(string dir, List<int> workers, Process nginx, HttpClient client)
    {
        (this.dir, this.workers, this.nginx, Client) = (dir, workers, nginx, client);
    }

    public static async Task<MapServerPeer> StartAsync(string connectionString, int port, double[] extent)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var dir = Path.Combine(Path.GetTempPath(), $"lr-mapserver-{port}");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        var box = string.Join(' ', extent.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var connection = $"host={cs.Host} port={cs.Port} user={cs.Username} dbname={cs.Database} options='-c max_parallel_workers_per_gather=0 -c jit=off'";
        await File.WriteAllTextAsync(Path.Combine(dir, "mapserver.conf"), $"""
            CONFIG
              MAPS
                LR "{dir}/landregister.map"
              END
            END
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "landregister.map"), $$"""
            MAP
              NAME "landregister"
              EXTENT {{box}}
              PROJECTION "init=epsg:4326" END
              WEB
                METADATA
                  "ows_title" "LandRegister (MapServer peer)"
                  "ows_enable_request" "*"
                  "oga_enable_request" "*"
                  "ows_srs" "EPSG:4326 EPSG:3857"
                  "oga_onlineresource" "http://127.0.0.1:{{port}}/mapserv/LR/ogcapi"
                END
              END
              LAYER
                NAME "parcels"
                TYPE POLYGON
                STATUS ON
                CONNECTIONTYPE POSTGIS
                CONNECTION "{{connection}}"
                DATA "geom from (select id, code, zone_code, park_code, name, planned_use, actual_use, status, area_m2, geom from parcel where retired_at is null) as p using unique id using srid=4326"
                PROCESSING "CLOSE_CONNECTION=DEFER"
                EXTENT {{box}}
                TEMPLATE "void"
                PROJECTION "init=epsg:4326" END
                METADATA
                  "ows_title" "parcels"
                  "gml_include_items" "all"
                  "gml_featureid" "id"
                  "gml_types" "auto"
                END
              END
              LAYER
                NAME "tiles"
                TYPE POLYGON
                STATUS ON
                CONNECTIONTYPE POSTGIS
                CONNECTION "{{connection}}"
                DATA "geom from (select id, code, status, planned_use as \"plannedUse\", park_code as \"parkCode\", round((area_m2 * 0.0015)::numeric, 2)::float8 as \"areaMu\", name, zone_code as \"zoneCode\", geom from parcel where retired_at is null and area_m2 >= %minarea% order by area_m2 + 0 desc, id) as p using unique id using srid=4326"
                VALIDATION
                  "minarea" "^[0-9]+(\.[0-9]+)?$"
                  "default_minarea" "0"
                END
                PROCESSING "CLOSE_CONNECTION=DEFER"
                MAXFEATURES {{MaxFeatures}}
                EXTENT {{box}}
                TEMPLATE "void"
                PROJECTION "init=epsg:4326" END
                METADATA
                  "gml_include_items" "all"
                  "gml_types" "auto"
                END
              END
            END
            """);
        var socket = Path.Combine(dir, "mapserv.sock");
        var pids = Path.Combine(dir, "mapserv.pid");
        var root = Environment.UserName == "root";
        var spawn = new ProcessStartInfo("spawn-fcgi", ["-s", socket, "-M", "0666", "-F", "4", "-P", pids,
            .. root ? new[] { "-u", "www-data", "-g", "www-data" } : [], "--", "/usr/lib/cgi-bin/mapserv"])
        {
            Environment = { ["MAPSERVER_CONFIG_FILE"] = Path.Combine(dir, "mapserver.conf") },
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using (var spawned = Process.Start(spawn)!)
        {
            await spawned.WaitForExitAsync();
            if (spawned.ExitCode != 0) throw new InvalidOperationException($"spawn-fcgi failed: {await spawned.StandardError.ReadToEndAsync()}");
        }
        var workers = (await File.ReadAllLinesAsync(pids)).Where(l => l.Trim().Length > 0).Select(int.Parse).ToList();
        foreach (var temp in new[] { "body", "fastcgi", "proxy", "uwsgi", "scgi" }) Directory.CreateDirectory(Path.Combine(dir, temp));
        await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), $$"""
            {{(root ? "user www-data;" : "")}}
            worker_processes 1;
            daemon off;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/nginx-error.log warn;
            events { worker_connections 512; }
            http {
              access_log off;
              client_body_temp_path {{dir}}/body;
              fastcgi_temp_path {{dir}}/fastcgi;
              proxy_temp_path {{dir}}/proxy;
              uwsgi_temp_path {{dir}}/uwsgi;
              scgi_temp_path {{dir}}/scgi;
              server {
                listen 127.0.0.1:{{port}};
                location /mapserv {
                  fastcgi_split_path_info ^(/mapserv)(.*)$;
                  include /etc/nginx/fastcgi_params;
                  fastcgi_param SCRIPT_NAME /mapserv;
                  fastcgi_param PATH_INFO $fastcgi_path_info;
                  fastcgi_buffers 64 64k;
                  fastcgi_pass unix:{{socket}};
                }
              }
            }
            """);
        var nginx = Process.Start(new ProcessStartInfo("nginx", ["-c", Path.Combine(dir, "nginx.conf"), "-p", dir])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        var peer = new MapServerPeer(dir, workers, nginx, client);
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(200))
        {
            if (nginx.HasExited)
            {
                var error = await nginx.StandardError.ReadToEndAsync();
                await peer.DisposeAsync();
                throw new InvalidOperationException($"nginx exited: {error}");
            }
            try
            {
                var probe = await client.GetAsync("/mapserv/LR/ogcapi/collections?f=json");
                if (probe.IsSuccessStatusCode) return peer;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }
        await peer.DisposeAsync();
        throw new TimeoutException("MapServer did not answer within 30 s.");
    }

    /// <summary>A tile in the API's feature rule: parcels of at least <paramref name="minAreaM2"/>.</summary>
    public string TilePath(int z, int x, int y, double minAreaM2) =>
        $"/mapserv?map=LR&mode=tile&tilemode=gmap&tile={x}+{y}+{z}&layers=tiles&map.imagetype=mvt&minarea={minAreaM2.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!nginx.HasExited)
        {
            nginx.Kill(true);
            await nginx.WaitForExitAsync();
        }
        // Idle mapserv workers ignore SIGTERM.
        foreach (var pid in workers)
        {
            try { Process.GetProcessById(pid).Kill(); }
            catch (ArgumentException) { /* gone */ }
        }
        try { Directory.Delete(dir, true); } catch (IOException) { /* a worker still closing its socket */ }
    }
}
