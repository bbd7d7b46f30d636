#!/usr/bin/env bash
# The two-node Trino test cluster: `npm run trino:start`, `npm run trino:stop`,
# `npm run trino:status`.
#
# What it runs, all on loopback:
#   coordinator  http://127.0.0.1:8080  plans queries, schedules no work on itself
#   worker       http://127.0.0.1:8081  its own JVM, data dir and pid file; runs every task
# Catalogs: `memory` (tables live in the worker's heap) and `postgresql` (the local
# PostgreSQL server's `test` database). File-based access control: user
# `spellbook_reader` may only SELECT, every other user may do anything.
#
# The server comes from Maven Central through the machine's Maven, once: it stays in the
# local Maven repository (~/.m2) and the few parts we use are unpacked into `.trino/`
# (git-ignored). Why the whole `trino-server` tarball and not `trino-server-core` plus
# plugin zips: Maven Central has no `trino-postgresql` zip for any recent release (only
# 356, 368 and 449), and a plugin must match the server's version exactly.
#
# Why Trino 476 on Java 25: it is the newest release with a full server tarball on Maven
# Central; it needs Java 24+, and this machine has Temurin 25. (Trino <= 431 would run on
# the machine's Java 17, but is two years older and lacks fixes to the client protocol.)
#
# Idempotent: `start` on a running cluster only waits for it; `stop` on a stopped one
# does nothing. It stops only the processes whose pids it wrote.
set -euo pipefail

TRINO_VERSION="${TRINO_VERSION:-476}"
TRINO_JAVA_MAJOR=24
# Heap per JVM, and what one query may hold on a node; the benchmark raises the worker's
# (TRINO_WORKER_HEAP=3G TRINO_QUERY_MEMORY=1500MB) for its 1M-label join.
HEAP="${TRINO_HEAP:-1G}"
WORKER_HEAP="${TRINO_WORKER_HEAP:-$HEAP}"
QUERY_MEMORY="${TRINO_QUERY_MEMORY:-400MB}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# A second cluster beside the test cluster (a benchmark with other heaps, while tests use
# the first): other ports and another home, e.g.
#   TRINO_HOME=.trino-bench TRINO_COORDINATOR_PORT=8090 TRINO_WORKER_PORT=8091 TRINO_WORKER_HEAP=3G …
# TRINO_SERVER_DIR reuses a server already unpacked (it is only read).
HOME_DIR="$(cd "$ROOT" && mkdir -p "${TRINO_HOME:-.trino}" && cd "${TRINO_HOME:-.trino}" && pwd)"
SERVER="${TRINO_SERVER_DIR:-$HOME_DIR/trino-server-$TRINO_VERSION}"
M2="${MAVEN_REPO:-$HOME/.m2/repository}"
TARBALL="$M2/io/trino/trino-server/$TRINO_VERSION/trino-server-$TRINO_VERSION.tar.gz"
COORDINATOR_PORT="${TRINO_COORDINATOR_PORT:-8080}"
WORKER_PORT="${TRINO_WORKER_PORT:-8081}"
NODES=(coordinator worker)

say() { echo "trino: $*" >&2; }
die() { say "$*"; exit 1; }

# A JDK whose major version is at least TRINO_JAVA_MAJOR: $TRINO_JAVA_HOME, else the
# newest in /usr/lib/jvm, else JAVA_HOME.
find_java() {
  local candidates=() dir major
  [[ -n "${TRINO_JAVA_HOME:-}" ]] && candidates+=("$TRINO_JAVA_HOME")
  for dir in /usr/lib/jvm/*/; do candidates+=("${dir%/}"); done
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  for dir in "${candidates[@]}"; do
    [[ -x "$dir/bin/java" && -f "$dir/release" ]] || continue
    major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$dir/release")"
    if [[ -n "$major" && "$major" -ge "$TRINO_JAVA_MAJOR" ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

fetch_server() {
  [[ -x "$SERVER/bin/launcher" ]] && return 0
  if [[ ! -f "$TARBALL" ]]; then
    command -v mvn >/dev/null ||
      die "Maven (mvn) is needed once to fetch io.trino:trino-server:$TRINO_VERSION from Maven Central; install it (apt-get install maven) or put the tarball at $TARBALL"
    say "fetching io.trino:trino-server:$TRINO_VERSION:tar.gz from Maven Central (about 820 MB, once)"
    mvn -q dependency:get -Dartifact="io.trino:trino-server:$TRINO_VERSION:tar.gz" -Dtransitive=false ||
      die "Maven could not fetch io.trino:trino-server:$TRINO_VERSION:tar.gz"
  fi
  say "unpacking the server and the memory, postgresql and geospatial plugins into $SERVER"
  mkdir -p "$HOME_DIR"
  rm -rf "$SERVER.partial"
  mkdir -p "$SERVER.partial"
  # geospatial stays because the postgresql connector maps PostGIS columns to its types.
  # The tarball hard-links jars shared between plugins, so unpack it whole and then drop
  # the plugins we do not load (the kept links stay valid).
  tar -xzf "$TARBALL" -C "$SERVER.partial" --strip-components=1
  find "$SERVER.partial/plugin" -mindepth 1 -maxdepth 1 -type d \
    ! -name memory ! -name postgresql ! -name geospatial -exec rm -rf {} +
  mv "$SERVER.partial" "$SERVER"
}

# etc/ of one node, rewritten at every start so the files always match this script.
write_config() {
  local node="$1" port="$2" coordinator="$3" heap="$4"
  local etc="$HOME_DIR/$node/etc"
  mkdir -p "$etc/catalog" "$HOME_DIR/$node/data"
  cat >"$etc/node.properties" <<EOF
node.environment=spellbook_test
node.id=spellbook-$node
node.data-dir=$HOME_DIR/$node/data
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
EOF
  cat >"$etc/jvm.config" <<EOF
-server
-Xmx$heap
-XX:+UseG1GC
-XX:+ExplicitGCInvokesConcurrent
-XX:+ExitOnOutOfMemoryError
-XX:-OmitStackTraceInFastThrow
-XX:ReservedCodeCacheSize=256M
-XX:+EnableDynamicAgentLoading
-Djdk.attach.allowAttachSelf=true
-Djdk.nio.maxCachedBufferSize=2000000
-Dfile.encoding=UTF-8
-Djava.net.preferIPv4Stack=true
EOF
  {
    echo "coordinator=$coordinator"
    if [[ "$coordinator" == true ]]; then
      echo "node-scheduler.include-coordinator=false"
    fi
    echo "http-server.http.port=$port"
    echo "discovery.uri=http://127.0.0.1:$COORDINATOR_PORT"
    # A small shared machine: keep per-query memory modest and the thread pools small.
    # The coordinator runs no tasks: its per-node limit stays within its 1G heap.
    if [[ "$coordinator" == true ]]; then
      echo "query.max-memory-per-node=400MB"
    else
      echo "query.max-memory-per-node=$QUERY_MEMORY"
    fi
    echo "query.max-memory=$QUERY_MEMORY"
    echo "task.concurrency=2"
    echo "task.max-worker-threads=4"
  } >"$etc/config.properties"
  cat >"$etc/catalog/memory.properties" <<EOF
connector.name=memory
memory.max-data-per-node=256MB
EOF
  # Trino folds every identifier to lower case; case-insensitive matching finds PostgreSQL
  # tables and columns whose names have capitals (a hostile-name test has `DROP TABLE`).
  cat >"$etc/catalog/postgresql.properties" <<EOF
connector.name=postgresql
connection-url=jdbc:postgresql://127.0.0.1:5432/test
connection-user=postgres
case-insensitive-name-matching=true
EOF
  if [[ "$coordinator" == true ]]; then
    cat >"$etc/access-control.properties" <<EOF
access-control.name=file
security.config-file=$etc/rules.json
EOF
    # spellbook_reader may read everything and write nothing; anyone else may do anything.
    cat >"$etc/rules.json" <<'EOF'
{
  "catalogs": [
    { "user": "spellbook_reader", "allow": "read-only" },
    { "allow": "all" }
  ],
  "schemas": [
    { "user": "spellbook_reader", "owner": false },
    { "owner": true }
  ],
  "tables": [
    { "user": "spellbook_reader", "privileges": ["SELECT"] },
    { "privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP", "GRANT_SELECT"] }
  ]
}
EOF
  fi
}

pid_file() { echo "$HOME_DIR/$1/data/var/run/launcher.pid"; }

running() {
  local pid_file
  pid_file="$(pid_file "$1")"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

launcher() {
  local node="$1"
  shift
  JAVA_HOME="$JAVA" PATH="$JAVA/bin:$PATH" "$SERVER/bin/launcher" "$@" \
    --etc-dir "$HOME_DIR/$node/etc" \
    --data-dir "$HOME_DIR/$node/data" \
    --pid-file "$(pid_file "$node")" \
    --launcher-log-file "$HOME_DIR/$node/data/var/log/launcher.log" \
    --server-log-file "$HOME_DIR/$node/data/var/log/server.log"
}

start() {
  if ! running coordinator && curl -fsS -m 2 "http://127.0.0.1:$COORDINATOR_PORT/v1/info" >/dev/null 2>&1; then
    # Another checkout's cluster (a developer's, while CI runs from a fresh clone): use
    # it as it is, and leave it alone on stop, since this checkout did not start it.
    say "a Trino server not started from this checkout already answers on 127.0.0.1:$COORDINATOR_PORT; using it"
    node "$ROOT/scripts/trino/wait-ready.mjs" "http://127.0.0.1:$COORDINATOR_PORT" 2 ||
      die "the server on 127.0.0.1:$COORDINATOR_PORT is not a ready two-node cluster"
    return 0
  fi
  JAVA="$(find_java)" ||
    die "Trino $TRINO_VERSION needs Java $TRINO_JAVA_MAJOR or newer and none was found in /usr/lib/jvm or JAVA_HOME (set TRINO_JAVA_HOME to a JDK $TRINO_JAVA_MAJOR+)"
  fetch_server
  write_config coordinator "$COORDINATOR_PORT" true "$HEAP"
  write_config worker "$WORKER_PORT" false "$WORKER_HEAP"
  local node
  for node in "${NODES[@]}"; do
    if running "$node"; then
      say "$node already running (pid $(cat "$(pid_file "$node")"))"
    else
      mkdir -p "$HOME_DIR/$node/data/var/run" "$HOME_DIR/$node/data/var/log"
      launcher "$node" start >/dev/null
      say "$node started (pid $(cat "$(pid_file "$node")")), log in .trino/$node/data/var/log/server.log"
    fi
  done
  say "waiting for both nodes to be active (a minute or two on a busy machine)"
  node "$ROOT/scripts/trino/wait-ready.mjs" "http://127.0.0.1:$COORDINATOR_PORT" 2 \
    "$(pid_file coordinator)" "$(pid_file worker)" ||
    die "the cluster did not become ready; see .trino/*/data/var/log/server.log"
}

stop() {
  local node
  JAVA="$(find_java)" || JAVA=""
  for node in "${NODES[@]}"; do
    if running "$node"; then
      local pid
      pid="$(cat "$(pid_file "$node")")"
      if [[ -n "$JAVA" && -x "$SERVER/bin/launcher" ]]; then
        launcher "$node" stop >/dev/null || kill "$pid"
      else
        kill "$pid"
      fi
      say "$node stopped (pid $pid)"
    else
      say "$node not running"
    fi
  done
}

status() {
  local node state=0
  for node in "${NODES[@]}"; do
    if running "$node"; then
      say "$node running (pid $(cat "$(pid_file "$node")"))"
    else
      say "$node not running"
      state=3
    fi
  done
  return $state
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: scripts/trino/cluster.sh start|stop|status" ;;
esac
