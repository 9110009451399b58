#!/usr/bin/env bash
# Starts, stops and reports a replicated ClickHouse on loopback: ZooKeeper (jars from Maven
# Central) and Debian's clickhouse-server as SHARDS × REPLICAS servers (default 2 × 2) forming the
# cluster "runlens", for clustered runlens (RUNLENS_CLICKHOUSE_CLUSTER=runlens) and its tests;
# and, asked for by name (`up kafka`), BROKERS Kafka brokers (default 3, KRaft, each a controller
# too; topics replicated 3 times, 2 in sync) for the scale test.
# Everything lives under $RUNLENS_HOME/cluster (default <repo>/.runlens/cluster), which git
# ignores. Beside the single-node stack (stack.sh), on ports of its own:
#   ZooKeeper  RUNLENS_CLUSTER_ZK_PORT (12181)
#   server n   HTTP RUNLENS_CLUSTER_HTTP_BASE + n (18201…), native TCP RUNLENS_CLUSTER_TCP_BASE + n
#              (19201…), interserver RUNLENS_CLUSTER_INTERSERVER_BASE + n (19301…), clear of the
#              fault tests' private stack (18123, 19000, 19092);
#              server n is shard ⌈n / REPLICAS⌉, replica r<n − (shard − 1) · REPLICAS>.
#   broker n   RUNLENS_CLUSTER_KAFKA_BASE + n (19401…), its controller + 10 (19411…)
#
#   cluster.sh up | down | status          ZooKeeper and the ClickHouse servers (down: the brokers too)
#   cluster.sh up | down kafka             the Kafka brokers
#   cluster.sh up | down | kill NAME       one service: zookeeper, ch1…chN, kafka1…kafkaN (kill: kill -9)
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
BROKERS="${RUNLENS_CLUSTER_BROKERS:-3}"
KAFKA_BASE="${RUNLENS_CLUSTER_KAFKA_BASE:-19400}"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")"
# The Kafka jars stack.sh fetches (the same version, shared by every stack of this checkout).
KAFKA_LIB="$ROOT/.runlens/lib/kafka-$KAFKA_VERSION"
ZK_VERSION="$(sed -n 's:.*<zookeeper.version>\(.*\)</zookeeper.version>.*:\1:p' "$HERE/zookeeper/pom.xml")"
ZK_LIB="$ROOT/.runlens/lib/zookeeper-$ZK_VERSION"
ZK_DIR="$HOME_DIR/zookeeper"

LOG_PREFIX=cluster
PORTS_HINT="the RUNLENS_CLUSTER_* ports"
DOWN_HINT="cluster.sh down"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

for var in RUNLENS_CLUSTER_SHARDS RUNLENS_CLUSTER_REPLICAS RUNLENS_CLUSTER_ZK_PORT RUNLENS_CLUSTER_HTTP_BASE RUNLENS_CLUSTER_TCP_BASE RUNLENS_CLUSTER_INTERSERVER_BASE RUNLENS_CLUSTER_BROKERS RUNLENS_CLUSTER_KAFKA_BASE; do
  case "${!var:-}" in *[!0-9]*) die "$var: \"${!var}\" is not a number" ;; esac
done
NODES=$((SHARDS * REPLICAS))
[ "$NODES" -ge 1 ] && [ "$NODES" -le 9 ] || die "SHARDS × REPLICAS must be 1 to 9 servers, not $NODES"
[ "$BROKERS" -ge 1 ] && [ "$BROKERS" -le 9 ] || die "BROKERS must be 1 to 9, not $BROKERS"

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

# Serving, not only listening: ZooKeeper answers "rw" to "isro" once it takes sessions ("imok"
# to "ruok" came while it was still loading its data, and ClickHouse's handshakes then failed).
zookeeper_ready() {
  local reply=""
  { exec 3<>"/dev/tcp/127.0.0.1/$ZK_PORT" && printf isro >&3 && read -r -t 2 reply <&3; } 2>/dev/null || true
  # (A bare `exec 3>&- 2>/dev/null` would send the rest of the script's stderr to /dev/null.)
  { exec 3>&-; } 2>/dev/null || true
  [ "$reply" = rw ]
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
4lw.commands.whitelist=ruok,isro
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

# --- Kafka brokers ----------------------------------------------------------------------

broker_port() { echo $((KAFKA_BASE + $1)); }
broker_dir() { echo "$HOME_DIR/kafka$1"; }
broker_ready() { port_open "$(broker_port "$1")"; }

start_broker() {
  local n="$1" dir port voters="" i
  dir="$(broker_dir "$n")"
  port="$(broker_port "$n")"
  if broker_ready "$n"; then log "kafka$n already answers on :$port"; return 0; fi
  not_running_elsewhere "kafka$n" "$dir" "$port"
  [ -f "$KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar" ] || bash "$HERE/stack.sh" install >/dev/null
  for i in $(seq 1 "$BROKERS"); do voters="${voters:+$voters,}$i@127.0.0.1:$((KAFKA_BASE + 10 + i))"; done
  local replication=$(( BROKERS < 3 ? BROKERS : 3 ))
  local min_isr=$(( replication < 2 ? 1 : 2 ))
  mkdir -p "$dir/logs" "$dir/app-logs"
  sed -e "s#@NODE@#$n#g" -e "s#@DATA@#$dir#g" -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$((KAFKA_BASE + 10 + n))#g" \
    -e "s#@VOTERS@#$voters#g" -e "s#@REPLICATION@#$replication#g" -e "s#@MIN_ISR@#$min_isr#g" \
    "$HERE/kafka/cluster.properties.template" >"$dir/server.properties"
  local java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
    "-Dkafka.logs.dir=$dir/app-logs" "-Dlog4j2.configurationFile=$HERE/kafka/log4j2.yaml")
  if [ ! -f "$dir/logs/meta.properties" ]; then
    # One cluster id for every broker, made once.
    [ -f "$HOME_DIR/kafka-cluster-id" ] || head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | head -c 22 >"$HOME_DIR/kafka-cluster-id"
    java "${java_opts[@]}" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool format -t "$(cat "$HOME_DIR/kafka-cluster-id")" \
      -c "$dir/server.properties" --ignore-formatted >"$dir/app-logs/format.log" 2>&1 ||
      { cat "$dir/app-logs/format.log" >&2; die "could not format kafka$n's storage"; }
  fi
  log "starting kafka$n on 127.0.0.1:$port"
  nohup java "${java_opts[@]}" -cp "$KAFKA_LIB/*" kafka.Kafka "$dir/server.properties" >"$dir/app-logs/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
  echo "$port" >"$dir/port"
}

# The brokers start together (each waits for the controller quorum), then each is waited for.
start_brokers() {
  local n
  for n in $(seq 1 "$BROKERS"); do start_broker "$n"; done
  for n in $(seq 1 "$BROKERS"); do
    # shellcheck disable=SC2329 # called by wait_for
    ready() { broker_ready "$n"; }
    wait_for "kafka$n" ready 90 "$(broker_dir "$n")/pid" "$(broker_dir "$n")/app-logs/stdout.log"
  done
}

stop_brokers() {
  local n
  for n in $(seq 1 "$BROKERS"); do stop_service "kafka$n" "$(broker_dir "$n")" "$(broker_port "$n")"; done
}

kill_service() {
  local dir="$1" name="$2"
  if pid_alive "$dir/pid"; then log "kill -9 $name (pid $(cat "$dir/pid"))"; kill -9 "$(cat "$dir/pid")" 2>/dev/null || true; fi
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
  for n in $(seq 1 "$BROKERS"); do
    state=down; broker_ready "$n" && state=up
    printf 'kafka%s     %-4s 127.0.0.1:%s  (Apache Kafka %s, KRaft, data %s)\n' "$n" "$state" "$(broker_port "$n")" "$KAFKA_VERSION" "$(broker_dir "$n")"
  done
}

# The one service a command names: zookeeper, chN or kafkaN.
one="${2:-}"
node_named() {
  case "$one" in ch[1-9]) [ "${one#ch}" -le "$NODES" ] && { echo "${one#ch}"; return; } ;; esac
  die "unknown service \"$one\": zookeeper, ch1…ch$NODES, kafka, or kafka1…kafka$BROKERS"
}
broker_named() {
  case "$one" in kafka[1-9]) [ "${one#kafka}" -le "$BROKERS" ] && { echo "${one#kafka}"; return; } ;; esac
  node_named
}

case "${1:-}:${one:+one}" in
  up:)
    start_zookeeper
    for n in $(seq 1 "$NODES"); do start_node "$n"; done
    ;;
  down:)
    stop_brokers
    for n in $(seq 1 "$NODES"); do stop_service "ch$n" "$(node_dir "$n")" "$(http_port "$n")"; done
    stop_service zookeeper "$ZK_DIR" "$ZK_PORT"
    ;;
  status:) status ;;
  up:one)
    case "$one" in
      zookeeper) start_zookeeper ;;
      kafka) start_brokers ;;
      kafka[1-9]) n="$(broker_named)"; start_broker "$n"; ready() { broker_ready "$n"; }; wait_for "kafka$n" ready 90 "$(broker_dir "$n")/pid" "$(broker_dir "$n")/app-logs/stdout.log" ;;
      *) n="$(node_named)"; start_node "$n" ;;
    esac ;;
  down:one)
    case "$one" in
      zookeeper) stop_service zookeeper "$ZK_DIR" "$ZK_PORT" ;;
      kafka) stop_brokers ;;
      kafka[1-9]) n="$(broker_named)"; stop_service "kafka$n" "$(broker_dir "$n")" "$(broker_port "$n")" ;;
      *) n="$(node_named)"; stop_service "ch$n" "$(node_dir "$n")" "$(http_port "$n")" ;;
    esac ;;
  kill:one)
    case "$one" in
      zookeeper) kill_service "$ZK_DIR" zookeeper ;;
      kafka[1-9]) n="$(broker_named)"; kill_service "$(broker_dir "$n")" "kafka$n" ;;
      *) n="$(node_named)"; kill_service "$(node_dir "$n")" "ch$n" ;;
    esac ;;
  *) echo "usage: cluster.sh up|down|status | up|down kafka | up|down|kill zookeeper|chN|kafkaN" >&2; exit 2 ;;
esac
