#!/usr/bin/env bash
# Starts, stops and reports a replicated ClickHouse on loopback: ZooKeeper (jars from Maven
# Central) and Debian's clickhouse-server as SHARDS × REPLICAS servers (default 2 × 2) forming the
# cluster "runlens", for clustered runlens (RUNLENS_CLICKHOUSE_CLUSTER=runlens) and its tests.
# Everything lives under $RUNLENS_HOME/cluster (default <repo>/.runlens/cluster), which git
# ignores. Beside the single-node stack (stack.sh), on ports of its own:
#   ZooKeeper  RUNLENS_CLUSTER_ZK_PORT (12181)
#   server n   HTTP RUNLENS_CLUSTER_HTTP_BASE + n (18201…), native TCP RUNLENS_CLUSTER_TCP_BASE + n
#              (19201…), interserver RUNLENS_CLUSTER_INTERSERVER_BASE + n (19301…), clear of the
#              fault tests' private stack (18123, 19000, 19092);
#              server n is shard ⌈n / REPLICAS⌉, replica r<n − (shard − 1) · REPLICAS>.
#
#   cluster.sh up | down | status          everything
#   cluster.sh up | down | kill NAME       one service: zookeeper, or ch1…chN (kill: kill -9)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
HOME_DIR="${RUNLENS_HOME:-$ROOT/.runlens}/cluster"
SHARDS="${RUNLENS_CLUSTER_SHARDS:-2}"
REPLICAS="${RUNLENS_CLUSTER_REPLICAS:-2}"
ZK_PORT="${RUNLENS_CLUSTER_ZK_PORT:-12181}"
HTTP_BASE="${RUNLENS_CLUSTER_HTTP_BASE:-18200}"
TCP_BASE="${RUNLENS_CLUSTER_TCP_BASE:-19200}"
INTERSERVER_BASE="${RUNLENS_CLUSTER_INTERSERVER_BASE:-19300}"
ZK_VERSION="$(sed -n 's:.*<zookeeper.version>\(.*\)</zookeeper.version>.*:\1:p' "$HERE/zookeeper/pom.xml")"
ZK_LIB="$ROOT/.runlens/lib/zookeeper-$ZK_VERSION"
ZK_DIR="$HOME_DIR/zookeeper"

LOG_PREFIX=cluster
PORTS_HINT="the RUNLENS_CLUSTER_* ports"
DOWN_HINT="cluster.sh down"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

for var in RUNLENS_CLUSTER_SHARDS RUNLENS_CLUSTER_REPLICAS RUNLENS_CLUSTER_ZK_PORT RUNLENS_CLUSTER_HTTP_BASE RUNLENS_CLUSTER_TCP_BASE RUNLENS_CLUSTER_INTERSERVER_BASE; do
  case "${!var:-}" in *[!0-9]*) die "$var: \"${!var}\" is not a number" ;; esac
done
NODES=$((SHARDS * REPLICAS))
[ "$NODES" -ge 1 ] && [ "$NODES" -le 9 ] || die "SHARDS × REPLICAS must be 1 to 9 servers, not $NODES"

# --- ZooKeeper --------------------------------------------------------------------------

install_zookeeper() {
  if ls "$ZK_LIB"/zookeeper-"$ZK_VERSION".jar >/dev/null 2>&1; then return 0; fi
  command -v java >/dev/null 2>&1 || die "java is required to run ZooKeeper"
  command -v mvn >/dev/null 2>&1 || die "mvn is required to fetch the ZooKeeper jars from Maven Central"
  log "fetching Apache ZooKeeper $ZK_VERSION jars from Maven Central"
  mkdir -p "$(dirname "$ZK_LIB")" "$ZK_LIB.partial" "$HOME_DIR"
  mvn -q -B -f "$HERE/zookeeper/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$ZK_LIB.partial" >"$HOME_DIR/mvn.log" 2>&1 || { cat "$HOME_DIR/mvn.log" >&2; die "mvn could not fetch the ZooKeeper jars"; }
  rm -rf "$ZK_LIB" && mv "$ZK_LIB.partial" "$ZK_LIB"
}

# Serving, not only listening: ZooKeeper answers "imok" to "ruok" once it takes sessions.
zookeeper_ready() {
  local reply=""
  { exec 3<>"/dev/tcp/127.0.0.1/$ZK_PORT" && printf ruok >&3 && read -r -t 2 reply <&3; } 2>/dev/null || true
  exec 3>&- 2>/dev/null || true
  [ "$reply" = imok ]
}

start_zookeeper() {
  if zookeeper_ready; then log "zookeeper already answers on :$ZK_PORT"; return 0; fi
  not_running_elsewhere zookeeper "$ZK_DIR" "$ZK_PORT"
  install_zookeeper
  mkdir -p "$ZK_DIR/data" "$ZK_DIR/log"
  cat >"$ZK_DIR/zoo.cfg" <<EOF
tickTime=2000
dataDir=$ZK_DIR/data
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok
autopurge.purgeInterval=1
EOF
  log "starting zookeeper $ZK_VERSION on 127.0.0.1:$ZK_PORT"
  nohup java -Xms128m -Xmx512m -Dzookeeper.log.dir="$ZK_DIR/log" -Dlogback.configurationFile="$HERE/zookeeper/logback.xml" -cp "$ZK_LIB/*" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$ZK_DIR/zoo.cfg" >"$ZK_DIR/log/stdout.log" 2>&1 &
  echo $! >"$ZK_DIR/pid"
  echo "$ZK_PORT" >"$ZK_DIR/port"
  wait_for zookeeper zookeeper_ready 60 "$ZK_DIR/pid" "$ZK_DIR/log/stdout.log"
}

# --- ClickHouse servers -----------------------------------------------------------------

http_port() { echo $((HTTP_BASE + $1)); }
tcp_port() { echo $((TCP_BASE + $1)); }
node_dir() { echo "$HOME_DIR/ch$1"; }
shard_of() { echo $(( ($1 - 1) / REPLICAS + 1 )); }
replica_of() { echo "r$(( ($1 - 1) % REPLICAS + 1 ))"; }
node_ready() { curl -fsS "http://127.0.0.1:$(http_port "$1")/ping" >/dev/null 2>&1; }

# The <shard> elements of remote_servers, every server by its native port.
shards_xml() {
  local s r n
  for s in $(seq 1 "$SHARDS"); do
    printf '            <shard>\n                <internal_replication>true</internal_replication>\n'
    for r in $(seq 1 "$REPLICAS"); do
      n=$(( (s - 1) * REPLICAS + r ))
      printf '                <replica><host>127.0.0.1</host><port>%s</port></replica>\n' "$(tcp_port "$n")"
    done
    printf '            </shard>\n'
  done
}

start_node() {
  local n="$1" dir http
  dir="$(node_dir "$n")"
  http="$(http_port "$n")"
  if node_ready "$n"; then log "ch$n already answers on :$http"; return 0; fi
  not_running_elsewhere "ch$n" "$dir" "$http"
  install_clickhouse
  mkdir -p "$dir"/{data,tmp,user_files,format_schemas,log,etc/config.d,etc/users.d}
  sed -e "s#@DATA@#$dir#g" -e "s#@HTTP_PORT@#$http#g" -e "s#@TCP_PORT@#$(tcp_port "$n")#g" \
    "$HERE/clickhouse/config.xml.template" >"$dir/etc/config.xml"
  cp "$HERE/clickhouse/users.xml" "$dir/etc/users.xml"
  local shards; shards="$(shards_xml)"
  awk -v shards="$shards" '{ if ($0 == "@SHARDS@") print shards; else print }' "$HERE/clickhouse/cluster.xml.template" |
    sed -e "s#@INTERSERVER_PORT@#$((INTERSERVER_BASE + n))#g" -e "s#@ZK_PORT@#$ZK_PORT#g" \
      -e "s#@SHARD@#$(shard_of "$n")#g" -e "s#@REPLICA@#$(replica_of "$n")#g" >"$dir/etc/config.d/cluster.xml"
  log "starting ch$n (shard $(shard_of "$n"), replica $(replica_of "$n")) on 127.0.0.1:$http"
  nohup clickhouse-server --config-file="$dir/etc/config.xml" >"$dir/log/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
  echo "$http" >"$dir/port"
  # shellcheck disable=SC2329 # called by wait_for
  ready() { node_ready "$n"; }
  wait_for "ch$n" ready 60 "$dir/pid" "$dir/log/clickhouse-server.err.log"
}

kill_service() {
  local dir="$1" name="$2"
  if pid_alive "$dir/pid"; then log "kill -9 $name (pid $(cat "$dir/pid"))"; kill -9 "$(cat "$dir/pid")"; fi
  rm -f "$dir/pid" "$dir/port"
}

status() {
  local state n
  state=down; zookeeper_ready && state=up
  printf 'zookeeper  %-4s 127.0.0.1:%s  (Apache ZooKeeper %s, data %s)\n' "$state" "$ZK_PORT" "$ZK_VERSION" "$ZK_DIR"
  for n in $(seq 1 "$NODES"); do
    state=down; node_ready "$n" && state=up
    printf 'ch%s        %-4s http://127.0.0.1:%s  tcp %s  shard %s replica %s  (data %s)\n' "$n" "$state" "$(http_port "$n")" "$(tcp_port "$n")" "$(shard_of "$n")" "$(replica_of "$n")" "$(node_dir "$n")"
  done
}

# The one service a command names: zookeeper or chN.
one="${2:-}"
node_named() {
  case "$one" in ch[1-9]) [ "${one#ch}" -le "$NODES" ] && { echo "${one#ch}"; return; } ;; esac
  die "unknown service \"$one\": zookeeper, or ch1…ch$NODES"
}

case "${1:-}:${one:+one}" in
  up:)
    start_zookeeper
    for n in $(seq 1 "$NODES"); do start_node "$n"; done
    ;;
  down:)
    for n in $(seq 1 "$NODES"); do stop_service "ch$n" "$(node_dir "$n")" "$(http_port "$n")"; done
    stop_service zookeeper "$ZK_DIR" "$ZK_PORT"
    ;;
  status:) status ;;
  up:one) if [ "$one" = zookeeper ]; then start_zookeeper; else start_node "$(node_named)"; fi ;;
  down:one) if [ "$one" = zookeeper ]; then stop_service zookeeper "$ZK_DIR" "$ZK_PORT"; else n="$(node_named)"; stop_service "ch$n" "$(node_dir "$n")" "$(http_port "$n")"; fi ;;
  kill:one) if [ "$one" = zookeeper ]; then kill_service "$ZK_DIR" zookeeper; else n="$(node_named)"; kill_service "$(node_dir "$n")" "ch$n"; fi ;;
  *) echo "usage: cluster.sh up|down|status | up|down|kill zookeeper|chN" >&2; exit 2 ;;
esac
