#!/usr/bin/env bash
# Runs mosquitto under callgrind, for counting instructions per delivery on a machine without
# hardware counters (docs/BENCHMARKS.md, "Group fan-out: instructions per delivery"). Use as
#   MOSQUITTO_BIN=bench/callgrind_mosquitto.sh CG_OUT=DIR bench/run.sh ... --raw FILE
# It writes DIR/cg.<config name>.<pid>-<thread>; thread 01 is the broker's own thread.
set -euo pipefail
: "${CG_OUT:?set CG_OUT to the directory for the callgrind files}"
conf=""
prev=""
for arg in "$@"; do
  [ "$prev" = "-c" ] && conf=$arg
  prev=$arg
done
name=$(basename "${conf:-mosquitto}" .conf)
exec valgrind --tool=callgrind --separate-threads=yes \
  --callgrind-out-file="$CG_OUT/cg.$name.%p" /usr/sbin/mosquitto "$@"
