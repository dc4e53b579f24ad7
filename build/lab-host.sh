#!/usr/bin/env bash
# Provision a patchbay lab host: Open vSwitch (userspace datapath), dockerd, the offline `labbox`
# image, Chromium for e2e, and the DHCP/capture tools the tests use. Idempotent: a second run
# installs nothing and starts nothing that already runs. Needs root.
set -euo pipefail

log() { printf 'lab-host: %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "lab-host: must run as root (it installs packages and starts ovs-vswitchd and dockerd)" >&2
  exit 3
fi

packages=(openvswitch-switch openssh-server openssh-client docker.io busybox-static chromium udhcpc dnsmasq tcpdump iproute2 iputils-ping procps fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # dnsmasq's package starts a system-wide server through its init script; we only want the binary.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
else
  log "packages present"
fi

# Open vSwitch without systemd; the kernel module is absent here, bridges use datapath_type=netdev.
if ovs-vsctl --timeout=2 show >/dev/null 2>&1; then
  log "openvswitch running"
else
  log "starting openvswitch"
  /usr/share/openvswitch/scripts/ovs-ctl start --system-id=random >/dev/null 2>&1 || true
  ovs-vsctl --timeout=10 show >/dev/null
fi

if docker info >/dev/null 2>&1; then
  log "dockerd running"
else
  log "starting dockerd"
  # No iptables and no default bridge: labs bring their own networking.
  nohup dockerd --iptables=false --bridge=none >/var/log/patchbay-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "lab-host: dockerd did not start, see /var/log/patchbay-dockerd.log" >&2; exit 1; }
fi

# labbox: a busybox image made without a registry (none is reachable here).
if docker image inspect labbox:latest >/dev/null 2>&1; then
  log "labbox image present"
else
  log "building labbox image"
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/usr/share/udhcpc"
  cp /bin/busybox "$root/bin/"
  for c in sh ip ping ping6 ifconfig route udhcpc sleep cat ls arping ps kill hostname echo grep; do
    ln -s busybox "$root/bin/$c"
  done
  # udhcpc needs a script to apply the lease; busybox ships the logic, this is its usual minimal form.
  cat > "$root/usr/share/udhcpc/default.script" <<'SCRIPT'
#!/bin/sh
case "$1" in
  deconfig) ip addr flush dev "$interface" ;;
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
    ;;
esac
exit 0
SCRIPT
  chmod +x "$root/usr/share/udhcpc/default.script"
  tar -C "$root" -c . | docker import - labbox:latest >/dev/null
  rm -rf "$root"
fi

# The real pipework script, pinned and checked: what `PIPEWORK=… npm run bench` compares with and
# what the discover test runs when it is here. Fetched, never part of this repository; a machine
# that cannot reach GitHub (CI reaches only npm and Debian) goes on without it, and the discover
# test replays the script's steps instead (test/integration/support/pipework-steps.ts).
pipework=/usr/local/share/pipework/pipework
pipework_commit=9ba97f1735022fb5f811d9c2a304dda33fae1ad1
pipework_sha256=cae1e9b01b58877a030b89015ec8e7a3a7319c55d6ff8723de23a481c17d310d
if [ -x "$pipework" ] && echo "$pipework_sha256  $pipework" | sha256sum -c - >/dev/null 2>&1; then
  log "pipework present"
else
  mkdir -p "$(dirname "$pipework")"
  if curl -fsSL --max-time 20 "https://raw.githubusercontent.com/jpetazzo/pipework/$pipework_commit/pipework" -o "$pipework.new" &&
    echo "$pipework_sha256  $pipework.new" | sha256sum -c - >/dev/null; then
    chmod 755 "$pipework.new" && mv "$pipework.new" "$pipework"
    log "pipework $pipework_commit fetched"
  else
    rm -f "$pipework.new"
    log "pipework not fetched (GitHub unreachable); the discover test replays its steps"
  fi
fi

log "ready"
