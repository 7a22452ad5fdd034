#!/usr/bin/env bash
# The main job on one machine: start a server on the embedded directory
# store, enroll an agent for this machine and one for a fixture host (a
# Debian 11 server mounted as a host root), send one report each, close the
# audit cycle and print the fleet scorecard. Everything lives in .demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-bin}
PORT=${DEMO_PORT:-8480}
DEMO=.demo
rm -rf "$DEMO"
mkdir -p "$DEMO"
chmod 700 "$DEMO"

"$BIN/auditfleet-server" serve --dir "$DEMO/store" --listen "127.0.0.1:$PORT" --log-level warn &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	if "$BIN/auditfleet-agent" version >/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
	sleep 0.2
done

"$BIN/auditfleet-server" enroll-secret-create --dir "$DEMO/store" --name demo --log-level warn > "$DEMO/enroll-secret"
url="http://127.0.0.1:$PORT"

echo "== enrolling this machine and a fixture host (Debian 11), one report each"
"$BIN/auditfleet-agent" enroll --server "$url" --secret-file "$DEMO/enroll-secret" --state-dir "$DEMO/agent-local"
"$BIN/auditfleet-agent" run --once --state-dir "$DEMO/agent-local"
"$BIN/auditfleet-agent" enroll --server "$url" --secret-file "$DEMO/enroll-secret" --state-dir "$DEMO/agent-fixture" --host-root testdata/hosts/debian11-eol
"$BIN/auditfleet-agent" run --once --state-dir "$DEMO/agent-fixture" --host-root testdata/hosts/debian11-eol

echo
echo "== closing the audit cycle"
"$BIN/auditfleet-server" cycle-close --dir "$DEMO/store" --log-level warn
echo
echo "Evidence is in $DEMO/store; the first admin API token is in $DEMO/store/admin-token."
