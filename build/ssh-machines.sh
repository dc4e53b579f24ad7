#!/usr/bin/env bash
# Real machines on one host, for multi-machine labs in tests and demos:
#   build/ssh-machines.sh up N     makes machines m1..mN (idempotent), prints "mI root@ADDRESS" each
#   build/ssh-machines.sh down     removes every machine, the bridge, the key: nothing is left
#   build/ssh-machines.sh stop-sshd I | start-sshd I   (tests: a machine becomes unreachable, and back)
# Each machine is a network namespace with its own mount namespace (held by one long-lived process)
# where /run/netns, /var/run/openvswitch and /var/lib/patchbay are its own tmpfs: its own namespaces,
# its own Open vSwitch (ovsdb-server and ovs-vswitchd) and its own patchbay state. An sshd listens on
# 10.250.0.(10+I) on its eth0; all eth0s hang on the host bridge pbm0 (10.250.0.1). Root logs in
# with /root/.ssh/patchbay-machines only; the machines' host keys are in
# /root/.ssh/patchbay-machines.known_hosts, which labs name as their known-hosts file. Each sshd
# records every command it is asked to run in /run/patchbay-machines/mI/commands.log.
set -euo pipefail

BRIDGE=pbm0
NET=10.250.0
STATE=/run/patchbay-machines
KEY=/root/.ssh/patchbay-machines
KNOWN=/root/.ssh/patchbay-machines.known_hosts
SCHEMA=/usr/share/openvswitch/vswitch.ovsschema

die() { echo "ssh-machines: $*" >&2; exit "${2:-1}"; }
[ "$(id -u)" -eq 0 ] || die "must run as root (it makes namespaces and starts sshd)" 3
for tool in /usr/sbin/sshd ssh-keygen ovsdb-server ovs-vswitchd nsenter unshare; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install openssh-server openvswitch-switch util-linux" 3
done

netns() { echo "pbm-m$1"; }
address() { echo "$NET.$((10 + $1))"; }
holder_pid() { cat "$STATE/m$1/holder.pid" 2>/dev/null || true; }
# Runs a command inside machine I: its network and mount namespaces.
inside() { local i=$1; shift; nsenter -t "$(holder_pid "$i")" -m -n -- "$@"; }

alive() { # the machine's holder runs, in the machine's netns
  local pid; pid=$(holder_pid "$1")
  [ -n "$pid" ] && [ -e "/proc/$pid" ] && [ -e "/run/netns/$(netns "$1")" ] &&
    [ "$(readlink "/proc/$pid/ns/net")" = "$(ip netns exec "$(netns "$1")" readlink /proc/self/ns/net)" ]
}

sshd_running() { local pid; pid=$(cat "$STATE/m$1/sshd.pid" 2>/dev/null || true); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

start_sshd() {
  local i=$1 d="$STATE/m$1"
  sshd_running "$i" && return 0
  mkdir -p /run/sshd
  inside "$i" /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
  for _ in $(seq 1 50); do sshd_running "$i" && return 0; sleep 0.1; done
  die "sshd of m$i did not start, see $d/sshd.log"
}

# sshd and every session it started (a test makes the machine unreachable mid-apply).
stop_sshd() {
  local i=$1 pid
  pid=$(cat "$STATE/m$i/sshd.pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  for p in $(ip netns pids "$(netns "$i")" 2>/dev/null); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sshd ] && kill "$p" 2>/dev/null || true
  done
  rm -f "$STATE/m$i/sshd.pid"
}

make_machine() {
  local i=$1 ns d
  ns=$(netns "$i"); d="$STATE/m$i"
  mkdir -p "$d/ovs"
  ip netns add "$ns"
  ip link add "pbm-m$i" type veth peer name eth0 netns "$ns"
  ip link set "pbm-m$i" master "$BRIDGE" up
  ip -n "$ns" addr add "$(address "$i")/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  # The holder: a process in the machine's netns and its own mount namespace, with private tmpfs
  # over the directories that make a machine (its namespaces, its OVS sockets, its patchbay state).
  ip netns exec "$ns" unshare --mount --propagation private -- sh -c '
    mount -t tmpfs -o mode=0755 pbm-netns /run/netns
    mount -t tmpfs -o mode=0755 pbm-ovs /var/run/openvswitch
    mount -t tmpfs -o mode=0755 pbm-state /var/lib/patchbay
    echo ready > "$1/holder.ready"
    exec sleep infinity' holder "$d" </dev/null >/dev/null 2>&1 &
  echo $! >"$d/holder.pid"
  for _ in $(seq 1 50); do [ -e "$d/holder.ready" ] && break; sleep 0.1; done
  [ -e "$d/holder.ready" ] || die "the mount namespace of m$i did not come up"
  # Its own Open vSwitch, at the default paths inside the machine (so plain ovs-vsctl finds it).
  inside "$i" ovsdb-tool create "$d/ovs/conf.db" "$SCHEMA"
  inside "$i" ovsdb-server "$d/ovs/conf.db" --remote=punix:/var/run/openvswitch/db.sock \
    --pidfile=/var/run/openvswitch/ovsdb-server.pid --detach --log-file="$d/ovs/ovsdb-server.log" 2>/dev/null
  inside "$i" ovs-vsctl --no-wait init
  inside "$i" ovs-vswitchd unix:/var/run/openvswitch/db.sock \
    --pidfile=/var/run/openvswitch/ovs-vswitchd.pid --detach --log-file="$d/ovs/ovs-vswitchd.log" 2>/dev/null
  ssh-keygen -q -t ed25519 -N '' -C "m$i" -f "$d/host_key"
  cat >"$d/sshd_config" <<EOF
ListenAddress $(address "$i"):22
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $STATE/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AllowAgentForwarding no
AllowTcpForwarding no
X11Forwarding no
PermitTunnel no
PermitUserEnvironment no
LogLevel VERBOSE
MaxSessions 64
ForceCommand $d/gate
EOF
  # Every command a client asks the machine to run is recorded (NUL-terminated, in commands.log:
  # tests read what reached the far side) and then run as sshd itself runs it, through root's
  # login shell. It records; it refuses nothing.
  cat >"$d/gate" <<'EOF'
#!/bin/bash
printf '%s\0' "${SSH_ORIGINAL_COMMAND-}" >>"${0%/*}/commands.log"
if [ -n "${SSH_ORIGINAL_COMMAND-}" ]; then exec "${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND"; fi
exec "${SHELL:-/bin/sh}" -l
EOF
  chmod 0755 "$d/gate"
}

up() {
  local n=${1:-}
  [[ "$n" =~ ^[1-9]$ ]] || die "usage: ssh-machines.sh up N (N from 1 to 9)" 2
  mkdir -p "$STATE" /root/.ssh
  chmod 0755 "$STATE"
  chmod 0700 /root/.ssh
  [ -e "$KEY" ] || ssh-keygen -q -t ed25519 -N '' -C patchbay-machines -f "$KEY"
  install -m 0644 "$KEY.pub" "$STATE/authorized_keys"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$NET.1/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  : >"$KNOWN.new"
  for i in $(seq 1 "$n"); do
    if ! alive "$i"; then
      remove_machine "$i"
      make_machine "$i"
    fi
    start_sshd "$i"
    echo "$(address "$i") $(cut -d' ' -f1,2 "$STATE/m$i/host_key.pub")" >>"$KNOWN.new"
  done
  mv "$KNOWN.new" "$KNOWN"
  for i in $(seq 1 "$n"); do echo "m$i root@$(address "$i")"; done
}

remove_machine() {
  local i=$1 ns pid mnt p
  ns=$(netns "$i")
  pid=$(holder_pid "$i")
  # Everything that runs inside the machine: its sshd and sessions, its OVS, what labs started
  # there (same mount namespace as the holder), then the holder itself.
  # The holder is only trusted while it is still the machine's: a stale pid reused by a process of
  # this host would otherwise name the host's own mount namespace, and everything in it would die.
  if [ -n "$pid" ] && [ -e "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] &&
    [ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/$$/ns/mnt)" ]; then
    mnt=$(readlink "/proc/$pid/ns/mnt")
    for p in /proc/[0-9]*; do
      [ "${p#/proc/}" = "$pid" ] && continue
      [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mnt" ] && kill -9 "${p#/proc/}" 2>/dev/null || true
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  if [ -e "/run/netns/$ns" ]; then
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns"
  fi
  ip link del "pbm-m$i" 2>/dev/null || true
  rm -rf "${STATE:?}/m$i"
}

down() {
  local d
  for d in "$STATE"/m[0-9]*; do
    [ -d "$d" ] && remove_machine "${d##*/m}"
  done
  for ns in $(ip netns list | awk '/^pbm-m[0-9]/ {print $1}'); do remove_machine "${ns#pbm-m}"; done
  ip link del "$BRIDGE" 2>/dev/null || true
  rm -rf "$STATE"
  rm -f "$KEY" "$KEY.pub" "$KNOWN" "$KNOWN.new"
  # patchbay's multiplexed ssh connections to the machines end with them.
  rm -rf /run/patchbay/ssh
}

case "${1:-}" in
  up) up "${2:-}" ;;
  down) down ;;
  stop-sshd) alive "${2:-}" || die "no machine m${2:-}" 2; stop_sshd "$2" ;;
  start-sshd) alive "${2:-}" || die "no machine m${2:-}" 2; start_sshd "$2" ;;
  *) die "usage: ssh-machines.sh up N | down | stop-sshd I | start-sshd I" 2 ;;
esac
