#!/bin/sh
# Installs the polkit action for the privileged helper (see org.patchbay.helper.policy).
set -e
install -m 0644 /opt/patchbay/resources/org.patchbay.helper.policy /usr/share/polkit-1/actions/org.patchbay.helper.policy 2>/dev/null || true
