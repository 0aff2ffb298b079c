#!/usr/bin/env bash
# Starts the Docker daemon when none answers. Idempotent: a reachable daemon is left alone.
# overlay2 is tried first (light on disk); vfs is the fallback for kernels/filesystems without it.
set -u
LOG=${SRE_CHAOS_DOCKERD_LOG:-/var/log/sre-chaos-dockerd.log}
WAIT_SECONDS=${SRE_CHAOS_DOCKERD_WAIT:-60}

if docker info >/dev/null 2>&1; then
  echo "dockerd: already running"
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "dockerd: not installed (apt-get install -y docker.io)" >&2
  exit 1
fi

# Waits up to $1 seconds for the daemon; returns non-zero if the dockerd pid $2 died first.
wait_for_daemon() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

for driver in overlay2 vfs; do
  echo "dockerd: starting with storage driver $driver (log: $LOG)"
  # setsid: the daemon must outlive this script and the shell that ran it.
  # Containers may not raise their open-file limit above the daemon's own hard limit.
  ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  setsid dockerd --storage-driver="$driver" >>"$LOG" 2>&1 </dev/null &
  pid=$!
  if wait_for_daemon "$WAIT_SECONDS" "$pid"; then
    echo "dockerd: ready (pid $pid, storage driver $driver)"
    exit 0
  fi
  if kill -0 "$pid" 2>/dev/null; then
    # Alive but not answering within the bound: do not start a second daemon beside it.
    break
  fi
  echo "dockerd: exited with storage driver $driver" >&2
done

echo "dockerd: not reachable after ${WAIT_SECONDS}s; last log lines:" >&2
tail -n 30 "$LOG" >&2
exit 1
