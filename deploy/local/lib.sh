# Shell helpers shared by stack.sh (one Kafka, one ClickHouse) and cluster.sh (ZooKeeper and
# replicated ClickHouse servers): logging, pid files, waiting for a service to answer, stopping it.
# The caller sets HOME_DIR (where the services keep their data), PORTS_HINT (how the user names
# the ports a service was started with) and DOWN_HINT (the command that stops it), for messages.

log() { printf '[%s] %s\n' "${LOG_PREFIX:-stack}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

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

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Each service records the port it was started on beside its pid. One RUNLENS_HOME holds one
# stack: a second one on other ports must not start over the running one's data, nor stop it.
# not_running_elsewhere NAME DIR PORT
not_running_elsewhere() {
  local name="$1" dir="$2" port="$3" was="another port"
  pid_alive "$dir/pid" || return 0
  if [ -f "$dir/port" ] && [ "$(cat "$dir/port")" = "$port" ]; then
    die "$name of $HOME_DIR runs (pid $(cat "$dir/pid")) but does not answer on :$port yet; wait for it, or stop it with ${DOWN_HINT}"
  fi
  [ -f "$dir/port" ] && was="port $(cat "$dir/port")"
  die "$name of $HOME_DIR already runs (pid $(cat "$dir/pid"), $was) but does not answer on :$port; stop it with ${PORTS_HINT} it was started with, or give this stack its own RUNLENS_HOME"
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
    die "$name of $HOME_DIR runs on port $(cat "$dir/port"), not $port; stop it with ${PORTS_HINT} it was started with"
  fi
  local pid; pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 30s; killing"; kill -9 "$pid" || true; fi
  rm -f "$pidfile" "$dir/port"
}
