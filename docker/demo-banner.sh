#!/usr/bin/env bash
# Prints where to open the Carryover demo (used by: ./mvnw -B -Pdemo package).
set -euo pipefail
port="${PORT:-8080}"
base="localhost:${port}"
echo
echo "Carryover demo: relay ws://${base}/v1 · sandbox API http://${base}/sandbox/api · demo page http://${base}/sandbox/ · health http://${base}/q/health · metrics http://${base}/q/metrics"
echo "Carryover demo: starting the service in the foreground (Quarkus profile demo); press Ctrl-C to stop."
echo
