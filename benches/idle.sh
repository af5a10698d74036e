#!/bin/bash
# Idle figures of one running guazhi (pid $1) over $2 seconds (default 10): CPU time from
# /proc/PID/task/*/schedstat (ns), bytes written from /proc/PID/io, wake-ups (voluntary context
# switches of every thread). See docs/LIVE.md.
P=$1; T=${2:-10}
cpu() { cat /proc/$P/task/*/schedstat | awk '{s+=$1}END{print s}'; }
wk() { cat /proc/$P/task/*/status | awk '/^voluntary_ctxt/{s+=$2}END{print s}'; }
c1=$(cpu); w1=$(awk '/^write_bytes/{print $2}' /proc/$P/io); wc1=$(awk '/^wchar/{print $2}' /proc/$P/io); k1=$(wk)
sleep $T
c2=$(cpu); w2=$(awk '/^write_bytes/{print $2}' /proc/$P/io); wc2=$(awk '/^wchar/{print $2}' /proc/$P/io); k2=$(wk)
echo "pid $P over ${T}s: cpu $(( (c2-c1)/1000 )) us = $(echo "scale=4; ($c2-$c1)/($T*10000000)" | bc) %; write_bytes $((w2-w1)); wchar $((wc2-wc1)); wake-ups $((k2-k1))"
