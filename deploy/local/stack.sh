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

PORTS_HINT="the RUNLENS_LOCAL_* ports"
DOWN_HINT="stack down"
# shellcheck source=deploy/local/lib.sh
source "$HERE/lib.sh"

for var in RUNLENS_LOCAL_KAFKA_PORT RUNLENS_LOCAL_KAFKA_CONTROLLER_PORT RUNLENS_LOCAL_CLICKHOUSE_HTTP_PORT RUNLENS_LOCAL_CLICKHOUSE_TCP_PORT; do
  case "${!var:-}" in *[!0-9]*) die "$var: \"${!var}\" is not a port number" ;; esac
done

# --- installation -----------------------------------------------------------------------

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
