#!/usr/bin/env bash
# Builds the console image and checks it the way deploy/base runs it: as uid 65532, with a
# read-only root filesystem and tmpfs at /tmp and /app/.next/cache, against the built-in sandbox
# (started here on the host, reached over the host network). Needs docker or podman; not part of
# `npm test` (CI machines have no container engine).
#
#   scripts/check-image.sh                      # docker, or podman when docker is absent
#   CONTAINER=podman NODE_IMAGE=localhost/node:20-bookworm-slim scripts/check-image.sh
#
# SKIP_BUILD=1 checks an image built before (IMAGE=name).
# NODE_IMAGE overrides the Dockerfile's base image (e.g. a mirror when Docker Hub is unreachable).
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${CONTAINER:-$(command -v docker >/dev/null 2>&1 && echo docker || echo podman)}
image=${IMAGE:-localhost/gatescope:check}
port=${PORT:-3390}
work=$(mktemp -d)
sandbox_pid=
cleanup() {
  "$engine" rm -f gatescope-check >/dev/null 2>&1 || true
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

build_args=()
[ -n "${NODE_IMAGE:-}" ] && build_args+=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
if [ -n "${SKIP_BUILD:-}" ]; then
  echo "check-image: SKIP_BUILD set, checking the existing $image"
elif [ "$engine" = podman ] && command -v buildah >/dev/null 2>&1; then
  # buildah's chroot isolation builds inside containers that cannot nest an OCI runtime.
  buildah bud --isolation chroot --network host "${build_args[@]}" -t "$image" .
else
  "$engine" build --network host "${build_args[@]}" -t "$image" .
fi

node bin/gatescope.mjs sandbox --kubeconfig-out "$work/kubeconfig" --port-offset "${PORT_OFFSET:-14000}" --traffic 5 >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 60); do [ -s "$work/kubeconfig" ] && break; sleep 1; done
[ -s "$work/kubeconfig" ] || { cat "$work/sandbox.log"; echo "check-image: the sandbox did not start" >&2; exit 1; }
chmod 644 "$work/kubeconfig"

"$engine" run -d --name gatescope-check --network host --read-only --tmpfs /tmp --tmpfs /app/.next/cache \
  -v "$work/kubeconfig:/kubeconfig:ro" "$image" --kubeconfig /kubeconfig --host 127.0.0.1 --port "$port" >/dev/null
ok=
for _ in $(seq 1 90); do
  if curl -sf "http://127.0.0.1:$port/api/health" | grep -q '"synced":true'; then ok=1; break; fi
  sleep 1
done
[ -n "$ok" ] || { "$engine" logs gatescope-check; echo "check-image: the console did not become healthy" >&2; exit 1; }

uid=$("$engine" exec gatescope-check id -u)
[ "$uid" = 65532 ] || { echo "check-image: runs as uid $uid, expected 65532" >&2; exit 1; }
if "$engine" exec gatescope-check sh -c 'touch /app/probe' 2>/dev/null; then echo "check-image: the root filesystem is writable" >&2; exit 1; fi
nodes=$(curl -sf "http://127.0.0.1:$port/api/topology" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).nodes.length))')
[ "$nodes" -gt 10 ] || { echo "check-image: the topology has $nodes nodes" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
[ "$code" = 200 ] || { echo "check-image: / answered $code" >&2; exit 1; }
echo "check-image: ok — $image runs as uid 65532 on a read-only root, healthy against the sandbox, $nodes topology nodes, / answers 200"
