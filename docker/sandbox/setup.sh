#!/bin/sh
# Run once while the sandbox image is built, as root, on any base (bootspec's own or --base-image):
# Lambda's function user, its mount points and a world-writable /tmp. Plain sh, no other tools.
set -eu
has_line() { while IFS= read -r line; do case "$line" in "$2"*) return 0 ;; esac; done <"$1"; return 1; }
has_line /etc/passwd 'sbx_user1051:' || echo 'sbx_user1051:x:993:990::/home/sbx_user1051:/sbin/nologin' >>/etc/passwd
has_line /etc/group 'sbx_user1051:' || echo 'sbx_user1051:x:990:' >>/etc/group
mkdir -p /var/task /opt /var/runtime /tmp
chmod 1777 /tmp
# Interpreters copied from under /root (pyenv) must be reachable by the function user: traverse only.
if [ -d /root ]; then chmod o+x /root; fi
# On a base with another library layout (e.g. Amazon Linux's /usr/lib64), the host libraries the
# interpreters need are made known to the dynamic linker; bootspec's own base finds them already.
if [ -s /etc/ld.so.conf.d/bootspec-host-libs.conf ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi
