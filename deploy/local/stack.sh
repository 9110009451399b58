#!/usr/bin/env bash
# Starts, stops and reports the local Kafka (KRaft, jars from Maven Central) and ClickHouse
# (Debian's clickhouse-server) on loopback. Everything they write lives under $RUNLENS_HOME
# (default: <repo>/.runlens), which git ignores. Safe to run twice: a service that already
# answers is left alone. Never touches /etc or /var/lib.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
HOME_DIR="${RUNLENS_HOME:-$ROOT/.runlens}"
# Same variables and defaults as common/config.ts, from which every runlens command derives the
# addresses it talks to: moving a port here moves the clients too (unless RUNLENS_KAFKA_BROKERS
# or RUNLENS_CLICKHOUSE_URL name an address explicitly).
KAFKA_PORT="${RUNLENS_LOCAL_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${RUNLENS_LOCAL_KAFKA_CONTROLLER_PORT:-9093}"
CH_HTTP_PORT="${RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT:-8123}"
CH_TCP_PORT="${RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT:-9000}"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")"

KAFKA_DIR="$HOME_DIR/kafka"
# The jars are shared by every stack of this checkout (the fault tests run a private one).
KAFKA_LIB="$ROOT/.runlens/lib/kafka-$KAFKA_VERSION"
CH_DIR="$HOME_DIR/clickhouse"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for var in RUNLENS_LOCAL_KAFKA_PORT RUNLENS_LOCAL_KAFKA_CONTROLLER_PORT RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT; do
  case "${!var:-}" in *[!0-9]*) die "$var: \"${!var}\" is not a port number" ;; esac
done

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Each service records the port it was started on beside its pid. One RUNLENS_HOME holds one
# stack: a second one on other ports must not start over the running one's data, nor stop it.
# not_running_elsewhere NAME DIR PORT
not_running_elsewhere() {
  local name="$1" dir="$2" port="$3" was="another port"
  pid_alive "$dir/pid" || return 0
  if [ -f "$dir/port" ] && [ "$(cat "$dir/port")" = "$port" ]; then
    die "$name of $HOME_DIR runs (pid $(cat "$dir/pid")) but does not answer on :$port yet; wait for it, or stop it with stack down"
  fi
  [ -f "$dir/port" ] && was="port $(cat "$dir/port")"
  die "$name of $HOME_DIR already runs (pid $(cat "$dir/pid"), $was) but does not answer on :$port; stop it with the RUNLENS_LOCAL_* ports it was started with, or give this stack its own RUNLENS_HOME"
}

# --- installation -----------------------------------------------------------------------

install_clickhouse() {
  command -v clickhouse-server >/dev/null 2>&1 && return 0
  log "installing clickhouse-server from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    clickhouse-server clickhouse-client >/dev/null 2>&1 || {
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      clickhouse-server clickhouse-client >/dev/null
  }
}

install_kafka() {
  if ls "$KAFKA_LIB"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1; then return 0; fi
  command -v java >/dev/null 2>&1 || die "java is required to run Kafka"
  command -v mvn >/dev/null 2>&1 || die "mvn is required to fetch the Kafka jars from Maven Central"
  log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central"
  mkdir -p "$(dirname "$KAFKA_LIB")" "$KAFKA_LIB.partial"
  mvn -q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIB.partial" >"$HOME_DIR/mvn.log" 2>&1 || { cat "$HOME_DIR/mvn.log" >&2; die "mvn could not fetch the Kafka jars"; }
  rm -rf "$KAFKA_LIB" && mv "$KAFKA_LIB.partial" "$KAFKA_LIB"
}

# --- ClickHouse -------------------------------------------------------------------------

clickhouse_ready() { curl -fsS "http://127.0.0.1:$CH_HTTP_PORT/ping" >/dev/null 2>&1; }

start_clickhouse() {
  if clickhouse_ready; then log "clickhouse already answers on :$CH_HTTP_PORT"; return 0; fi
  not_running_elsewhere clickhouse "$CH_DIR" "$CH_HTTP_PORT"
  install_clickhouse
  mkdir -p "$CH_DIR"/{data,tmp,user_files,format_schemas,log,etc}
  sed -e "s#@DATA@#$CH_DIR#g" -e "s#@HTTP_PORT@#$CH_HTTP_PORT#g" -e "s#@TCP_PORT@#$CH_TCP_PORT#g" \
    "$HERE/clickhouse/config.xml.template" >"$CH_DIR/etc/config.xml"
  cp "$HERE/clickhouse/users.xml" "$CH_DIR/etc/users.xml"
  # Per-project BI users (`runlens bi-user`) are files here, which the server reads by itself.
  mkdir -p "$CH_DIR/etc/users.d"
  log "starting clickhouse on 127.0.0.1:$CH_HTTP_PORT"
  # Started directly (no subshell) so $! is the server's own pid and stack down can stop it.
  nohup clickhouse-server --config-file="$CH_DIR/etc/config.xml" >"$CH_DIR/log/stdout.log" 2>&1 &
  echo $! >"$CH_DIR/pid"
  echo "$CH_HTTP_PORT" >"$CH_DIR/port"
  wait_for "clickhouse" clickhouse_ready 60 "$CH_DIR/pid" "$CH_DIR/log/clickhouse-server.err.log"
}

# --- Kafka ------------------------------------------------------------------------------

kafka_ready() { port_open "$KAFKA_PORT"; }

start_kafka() {
  if kafka_ready; then log "kafka already answers on :$KAFKA_PORT"; return 0; fi
  not_running_elsewhere kafka "$KAFKA_DIR" "$KAFKA_PORT"
  install_kafka
  mkdir -p "$KAFKA_DIR/logs" "$KAFKA_DIR/app-logs"
  sed -e "s#@DATA@#$KAFKA_DIR#g" -e "s#@PORT@#$KAFKA_PORT#g" \
    -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
    "$HERE/kafka/server.properties.template" >"$KAFKA_DIR/server.properties"
  local java_opts=(-Xms512m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
    "-Dkafka.logs.dir=$KAFKA_DIR/app-logs" "-Dlog4j2.configurationFile=$HERE/kafka/log4j2.yaml")
  if [ ! -f "$KAFKA_DIR/logs/meta.properties" ]; then
    log "formatting KRaft storage"
    java "${java_opts[@]}" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool format \
      -t "$(cat /proc/sys/kernel/random/uuid | tr -d - | head -c 22)" \
      -c "$KAFKA_DIR/server.properties" --ignore-formatted >"$KAFKA_DIR/app-logs/format.log" 2>&1 ||
      { cat "$KAFKA_DIR/app-logs/format.log" >&2; die "could not format Kafka storage"; }
  fi
  log "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
  nohup java "${java_opts[@]}" -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_DIR/server.properties" \
    >"$KAFKA_DIR/app-logs/stdout.log" 2>&1 &
  echo $! >"$KAFKA_DIR/pid"
  echo "$KAFKA_PORT" >"$KAFKA_DIR/port"
  wait_for "kafka" kafka_ready 90 "$KAFKA_DIR/pid" "$KAFKA_DIR/app-logs/stdout.log"
}

# wait_for NAME CHECK SECONDS PIDFILE LOGFILE
wait_for() {
  local name="$1" check="$2" secs="$3" pidfile="$4" logfile="$5"
  for _ in $(seq 1 $((secs * 4))); do
    if "$check"; then log "$name is up"; return 0; fi
    if ! pid_alive "$pidfile"; then
      log "$name exited during start-up; last lines of $logfile:"; tail -n 30 "$logfile" >&2 || true
      exit 1
    fi
    sleep 0.25
  done
  tail -n 30 "$logfile" >&2 || true
  die "$name did not answer within ${secs}s"
}

# stop_service NAME DIR PORT
stop_service() {
  local name="$1" dir="$2" port="$3" pidfile="$2/pid"
  if ! pid_alive "$pidfile"; then log "$name is not running (under $HOME_DIR)"; rm -f "$pidfile" "$dir/port"; return 0; fi
  if [ -f "$dir/port" ] && [ "$(cat "$dir/port")" != "$port" ]; then
    die "$name of $HOME_DIR runs on port $(cat "$dir/port"), not $port; stop it with the RUNLENS_LOCAL_* ports it was started with"
  fi
  local pid; pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 30s; killing"; kill -9 "$pid" || true; fi
  rm -f "$pidfile" "$dir/port"
}

status() {
  local ch="down" kf="down"
  clickhouse_ready && ch="up"
  kafka_ready && kf="up"
  printf 'kafka       %-4s 127.0.0.1:%s  (Apache Kafka %s, KRaft, data %s)\n' "$kf" "$KAFKA_PORT" "$KAFKA_VERSION" "$KAFKA_DIR"
  printf 'clickhouse  %-4s http://127.0.0.1:%s  (data %s)\n' "$ch" "$CH_HTTP_PORT" "$CH_DIR"
}

# `up`/`down` act on both services, or on the one named as the second argument
# (the fault tests stop and restart them one at a time).
service="${2:-all}"
case "$service" in all|kafka|clickhouse) ;; *) echo "unknown service: $service (kafka or clickhouse)" >&2; exit 2 ;; esac
case "${1:-}" in
  up)
    mkdir -p "$HOME_DIR"
    if [ "$service" != kafka ]; then start_clickhouse; fi
    if [ "$service" != clickhouse ]; then start_kafka; fi
    ;;
  down)
    if [ "$service" != clickhouse ]; then stop_service kafka "$KAFKA_DIR" "$KAFKA_PORT"; fi
    if [ "$service" != kafka ]; then stop_service clickhouse "$CH_DIR" "$CH_HTTP_PORT"; fi
    ;;
  status) status ;;
  install) install_clickhouse; install_kafka ;;
  *) echo "usage: stack.sh up|down [kafka|clickhouse] | status | install" >&2; exit 2 ;;
esac
