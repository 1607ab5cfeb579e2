#!/usr/bin/env bash
# The register beyond one machine, on this one: `make cluster` / `make cluster-stop` (docs/operations.md).
#   cluster/cluster.sh start         a pg_auto_failover monitor, a primary and a synchronous standby (PostgreSQL 15 +
#                                    PostGIS), two API instances and nginx in front; prints the URLs
#   cluster/cluster.sh stop          stops all of them (the data stays for the next start)
#   cluster/cluster.sh wipe          stops them and deletes the data
#   cluster/cluster.sh state         the monitor's view of the nodes
#   cluster/cluster.sh kill-primary  kill -9 the primary node's whole process group (pg_autoctl and PostgreSQL), as a
#                                    machine failure would; prints the node's name
#   cluster/cluster.sh revive NAME   starts a killed node again (it rejoins as a standby)
#   cluster/cluster.sh wait-healthy  waits until one node is primary and the other its secondary
# Settings: LANDREGISTER_CLUSTER_DIR (default /var/tmp/landregister-cluster), ADMIN_KEY, and any API setting in the
# environment (e.g. RateLimit__PerSecond) is passed on to both instances.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${LANDREGISTER_CLUSTER_DIR:-/var/tmp/landregister-cluster}
pgbin=/usr/lib/postgresql/15/bin
# Below the kernel's ephemeral range (32768-60999): a port there can be taken, at the moment PostgreSQL binds it, by
# the local end of some outgoing connection (it happened: a standby listening on IPv6 only).
monitor_port=25440
nodes=(node1 node2)
declare -A node_port=([node1]=25441 [node2]=25442)
api_ports=(5081 5082)
lb_port=5090
admin_key=${ADMIN_KEY:-cluster-admin-key-change-me}
monitor_uri="postgres://autoctl_node@127.0.0.1:$monitor_port/pg_auto_failover?sslmode=disable"
hosts="127.0.0.1:${node_port[node1]},127.0.0.1:${node_port[node2]}"
# Writes find the primary whichever node it is (Target Session Attributes=primary, the API's default for several
# hosts); a host found down is tried again after a second, not Npgsql's default ten.
register_db="Host=$hosts;Username=landregister_app;Database=landregister;Maximum Pool Size=40;Host Recheck Seconds=1;Timeout=5"
owner_db="Host=$hosts;Username=postgres;Database=landregister;Maximum Pool Size=5;Host Recheck Seconds=1;Timeout=5"

# pg_autoctl keeps its configuration and state beside the data, not in the postgres user's home.
pgenv=(PATH="$pgbin:$PATH" XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/share" XDG_RUNTIME_DIR="$dir/run")

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env "${pgenv[@]}" "$@"; else env "${pgenv[@]}" "$@"; fi
}

alive() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

# Starts a command in a session of its own (its process group is the pid written), as the postgres user or not.
spawn() {
  local name=$1 user=$2; shift 2
  if [ "$user" = postgres ] && [ "$(id -u)" = 0 ]; then
    setsid runuser -u postgres -- env "${pgenv[@]}" "$@" >"$dir/$name.log" 2>&1 </dev/null &
  else
    setsid env "${pgenv[@]}" "$@" >"$dir/$name.log" 2>&1 </dev/null &
  fi
  echo $! >"$dir/$name.pid"
}

sql() { psql -h 127.0.0.1 -p "$1" -U postgres -d "$2" -Atqc "$3" 2>/dev/null; }

# The state the monitor has for each node: "name reported assigned" lines.
states() { sql $monitor_port pg_auto_failover "select nodename, reportedstate, goalstate from pgautofailover.node order by nodeid"; }

wait_for() { # seconds description command...
  local limit=$1 what=$2; shift 2
  for ((i = 0; i < limit * 2; i++)); do "$@" && return 0; sleep 0.5; done
  echo "cluster: $what not reached in $limit s; see $dir/*.log" >&2
  states >&2 || true
  return 1
}

install() {
  "$root/db/local.sh" install
  local missing=()
  [ -x /usr/bin/pg_autoctl ] || missing+=(pg-auto-failover-cli postgresql-15-auto-failover)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  "$root/scripts/install-debian-packages.sh" ${missing[@]+"${missing[@]}"}
}

start_monitor() {
  alive monitor && return 0
  if [ -f "$dir/monitor/PG_VERSION" ]; then
    spawn monitor postgres pg_autoctl run --pgdata "$dir/monitor"
  else
    spawn monitor postgres pg_autoctl create monitor --pgdata "$dir/monitor" --pgport $monitor_port --hostname 127.0.0.1 \
      --listen 127.0.0.1 --auth trust --no-ssl --run
  fi
  wait_for 60 "the monitor" sql $monitor_port pg_auto_failover "select 1" >/dev/null
  # A failed primary is noticed within seconds, not the defaults' 20 s, and the standby promoted without the 30 s wait
  # for a primary that cannot answer anyway (docs/operations.md).
  local setting
  for setting in health_check_period=1000 health_check_timeout=1000 health_check_max_retries=1 health_check_retry_delay=500 \
    node_considered_unhealthy_timeout=5000 primary_demote_timeout=5000; do
    sql $monitor_port pg_auto_failover "alter system set pgautofailover.${setting%%=*} = ${setting#*=}" >/dev/null
  done
  sql $monitor_port pg_auto_failover "select pg_reload_conf()" >/dev/null
}

start_node() {
  local name=$1 port=${node_port[$1]}
  alive "$name" && return 0
  if [ -f "$dir/$name/PG_VERSION" ] && [ -f "$dir/config/pg_autoctl$dir/$name/pg_autoctl.cfg" ]; then
    spawn "$name" postgres pg_autoctl run --pgdata "$dir/$name"
    return 0
  fi
  if [ "$name" = node1 ]; then
    # The first node's PostgreSQL is made here, so its settings (copied to the standby by its base backup) fit the
    # register: two API instances' pools, and no parallel query for small spatial statements on small machines.
    rm -rf "${dir:?}/$name"
    as_pg initdb -D "$dir/$name" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    printf "max_connections = 300\nshared_buffers = 256MB\nmax_parallel_workers_per_gather = 0\n" >>"$dir/$name/postgresql.conf"
  fi
  spawn "$name" postgres pg_autoctl create postgres --pgdata "$dir/$name" --pgport "$port" --hostname 127.0.0.1 --listen 127.0.0.1 --name "$name" \
    --monitor "$monitor_uri" --auth trust --no-ssl --dbname landregister --run
}

# One node primary, the other its secondary (synchronous: ANY 1 standby), as the monitor sees them.
healthy() {
  [ "$(states | grep -c '|primary|primary$')" = 1 ] && [ "$(states | grep -c '|secondary|secondary$')" = 1 ]
}

# A standby's base backup waits for the primary's next checkpoint (spread over minutes by default): ask for one.
hurry_base_backup() {
  local p
  for p in "${node_port[@]}"; do
    [ "$(sql "$p" postgres "select not pg_is_in_recovery()")" = t ] && sql "$p" postgres "checkpoint" >/dev/null
  done
  healthy
}

start_api() {
  local i=$1 port=${api_ports[$1]} demo=false
  alive "api$i" && return 0
  [ "$i" = 0 ] && demo=true
  spawn "api$i" "$(id -un)" env ConnectionStrings__Register="$register_db" ConnectionStrings__Migrations="$owner_db" \
    LANDREGISTER_ADMIN_KEY="$admin_key" LandRegister__LoadDemo=$demo LandRegister__TrustedProxies=127.0.0.1 \
    dotnet "$root/src/LandRegister.Api/bin/Release/net10.0/LandRegister.Api.dll" --urls "http://127.0.0.1:$port"
  wait_for 180 "API instance $((i + 1)) ready" curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"
}

start_nginx() {
  alive nginx && return 0
  mkdir -p "$dir/nginx"
  cat >"$dir/nginx.conf" <<EOF
# Written by cluster/cluster.sh: nginx in front of the register's two API instances.
worker_processes 1;
pid $dir/nginx/nginx.pid;
daemon off;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  upstream landregister {
    server 127.0.0.1:${api_ports[0]} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:${api_ports[1]} max_fails=1 fail_timeout=2s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$lb_port;
    client_max_body_size 512m;
    location / {
      proxy_pass http://landregister;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      # A request no instance answered is tried on the other; a write only if it never reached an instance.
      proxy_next_upstream error timeout;
      proxy_read_timeout 600s;
      proxy_request_buffering off;
    }
  }
}
EOF
  spawn nginx "$(id -un)" nginx -c "$dir/nginx.conf" -p "$dir/nginx"
  wait_for 20 "nginx" curl -sf -o /dev/null "http://127.0.0.1:$lb_port/healthz"
}

start() {
  install
  mkdir -p "$dir" "$dir/config" "$dir/share" "$dir/run"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir" "$dir/config" "$dir/share" "$dir/run"
  chmod 700 "$dir/run"
  echo "== building the API" >&2
  dotnet build "$root/src/LandRegister.Api/LandRegister.Api.csproj" -c Release -nologo -v quiet >/dev/null
  echo "== monitor on $monitor_port, nodes on ${node_port[node1]} and ${node_port[node2]} (pg_auto_failover; data in $dir)" >&2
  start_monitor
  start_node node1
  wait_for 90 "a primary" primary >/dev/null
  start_node node2
  wait_for 180 "a primary and its standby" hurry_base_backup
  echo "== two API instances on ${api_ports[*]} and nginx on $lb_port" >&2
  start_api 0
  start_api 1
  start_nginx
  cat <<EOF
LandRegister cluster:
  API (nginx, two instances)  http://127.0.0.1:$lb_port   (admin key: $admin_key)
  instances                   http://127.0.0.1:${api_ports[0]}  http://127.0.0.1:${api_ports[1]}
  map                         http://127.0.0.1:$lb_port/map
  database                    $register_db
  monitor                     $monitor_uri
  stop with: make cluster-stop
EOF
}

stop() {
  local name
  for name in nginx api1 api0; do
    if alive "$name"; then kill -TERM -- "-$(cat "$dir/$name.pid")" 2>/dev/null || true; fi
  done
  for name in node2 node1 monitor; do
    [ -f "$dir/$name/PG_VERSION" ] && alive "$name" && as_pg pg_autoctl stop --pgdata "$dir/$name" >/dev/null 2>&1 || true
  done
  for name in nginx api1 api0 node2 node1 monitor; do
    for ((i = 0; i < 40; i++)); do alive "$name" || break; sleep 0.25; done
    if alive "$name"; then kill -KILL -- "-$(cat "$dir/$name.pid")" 2>/dev/null || true; fi
    rm -f "$dir/$name.pid"
  done
  echo "cluster stopped" >&2
}

primary() {
  local name
  for name in "${nodes[@]}"; do
    [ "$(sql "${node_port[$name]}" postgres "select not pg_is_in_recovery()")" = t ] && { echo "$name"; return 0; }
  done
  return 1
}

kill_primary() {
  local name
  name=$(primary) || { echo "cluster: no primary to kill" >&2; return 1; }
  # PostgreSQL's backends each lead a process group of their own: they go with their postmaster, then the node's
  # pg_autoctl (whose supervisor would otherwise start PostgreSQL again within a second).
  local postmaster
  postmaster=$(head -1 "$dir/$name/postmaster.pid")
  pkill -KILL -P "$postmaster" || true
  kill -KILL -- "-$(cat "$dir/$name.pid")"
  rm -f "$dir/$name.pid"
  echo "$name"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  wipe) stop; rm -rf "${dir:?}" ;;
  state) as_pg pg_autoctl show state --pgdata "$dir/monitor" ;;
  kill-primary) kill_primary ;;
  revive) start_node "${2:?node name}" ;;
  wait-healthy) wait_for "${2:-120}" "a primary and its standby" hurry_base_backup ;;
  *) echo "usage: $0 start|stop|wipe|state|kill-primary|revive NAME|wait-healthy [SECONDS]" >&2; exit 2 ;;
esac
