#!/usr/bin/env bash
# Runs N shards of one kernel-audit as N separate processes at once:
#   run-shards.sh N OUTPREFIX kernel-audit-command...
# shard K writes OUTPREFIX-K/ (its log in OUTPREFIX-K.log) and its exit
# status to OUTPREFIX-K.rc; prints "shard K/N: exit S" for each.
n=$1 out=$2
shift 2
for k in $(seq 1 "$n"); do
  ( "$@" --shard "$k/$n" -o "$out-$k" > "$out-$k.log" 2>&1; echo $? > "$out-$k.rc" ) &
done
wait
for k in $(seq 1 "$n"); do echo "shard $k/$n: exit $(cat "$out-$k.rc")"; done
