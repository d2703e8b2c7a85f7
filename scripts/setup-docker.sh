#!/usr/bin/env bash
# Makes a Docker engine available for `--driver container`, idempotently:
#   1. installs docker.io when dockerd is missing (Debian/Ubuntu, as root),
#   2. starts dockerd when `docker info` does not answer (no systemd needed),
#   3. waits until `docker info` works, or fails saying why.
# Safe to run again and again: each step is skipped when its condition already holds.
set -euo pipefail

WAIT_S="${BOOTSPEC_DOCKER_WAIT_S:-60}"
LOG="${BOOTSPEC_DOCKERD_LOG:-/var/log/bootspec-dockerd.log}"

say() { printf 'setup-docker: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

engine_up() { docker info >/dev/null 2>&1; }

if engine_up; then
  say "Docker engine already running ($(docker info --format '{{.ServerVersion}} {{.Driver}} cgroup v{{.CgroupVersion}}' 2>/dev/null))"
  exit 0
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null || die "dockerd is missing and this is not a Debian/Ubuntu machine: install Docker Engine (https://docs.docker.com/engine/install/) and run this again"
  say "installing docker.io (dockerd, containerd, runc)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null; } \
    || die "apt-get install docker.io failed"
fi
command -v docker >/dev/null || die "the docker CLI is missing after installing docker.io"

# Started once: a dockerd that is starting already (socket not answering yet) is waited for, not doubled.
if ! pgrep -x dockerd >/dev/null 2>&1; then
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    say "starting dockerd with systemctl"
    as_root systemctl start docker
  else
    say "starting dockerd in the background (log: $LOG)"
    as_root sh -c "setsid nohup dockerd >>'$LOG' 2>&1 </dev/null &"
  fi
fi

for _ in $(seq 1 "$WAIT_S"); do
  if engine_up; then
    say "Docker engine ready ($(docker info --format '{{.ServerVersion}} {{.Driver}} cgroup v{{.CgroupVersion}}'))"
    exit 0
  fi
  sleep 1
done
tail -n 20 "$LOG" >&2 2>/dev/null || true
die "dockerd did not answer within ${WAIT_S} s (see $LOG)"
