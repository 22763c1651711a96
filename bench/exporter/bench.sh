#!/usr/bin/env bash
# Side-by-side benchmark: redis-cluster-exporter's /metrics (all six nodes of the cluster) against Debian's
# prometheus-redis-exporter 1.45's /metrics (one node, -is-cluster), same cluster, same run.
#
#   bash bench/exporter/bench.sh path/to/redis-cluster-exporter [scrapes=200]
#
# Reports per exporter: median and p99 latency of a scrape (curl time_total over one kept-alive connection, as
# Prometheus scrapes), CPU seconds per scrape (utime+stime from /proc/PID/stat before and after), RSS after
# the run (VmRSS) and its peak (VmHWM), and the size of one scrape. The two exporters are scraped in
# alternating blocks so machine noise hits both. Not an assertion: timing is never a test failure.
# Ports from CL_PORT_BASE (default 21010): Redis base..base+5, exporters base+100 (ours) and base+101 (reference).
set -u
OURS=${1:?usage: bench.sh path/to/redis-cluster-exporter [scrapes]}
N=${2:-200}
REFERENCE=${REFERENCE:-/usr/bin/prometheus-redis-exporter}
HERE=$(cd "$(dirname "$0")" && pwd)
CL_PORT_BASE=${CL_PORT_BASE:-21010}  # before cluster_lib.sh, whose default is the integration test's 21000
# shellcheck source=../../tests/exporter/cluster_lib.sh
source "$HERE/../../tests/exporter/cluster_lib.sh"
OURS_PORT=$((CL_PORT_BASE + 100))
REF_PORT=$((CL_PORT_BASE + 101))
cl_script_begin rcs-exporter-bench 280  # ctest's TIMEOUT is 300

[ -x "$REFERENCE" ] || { echo "reference exporter $REFERENCE not found"; exit 0; }
wait_http() {
  local i
  for i in $(seq 1 50); do curl -sf --max-time 2 -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
rollup_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/smaps_rollup"; }

cluster_start || exit 1
# A short load so INFO carries realistic commandstats/latencystats (as in the reference captures).
timeout 60 redis-benchmark --cluster -h 127.0.0.1 -p "$CL_PORT_BASE" -a "$CL_PASSWORD" -n 20000 -c 10 \
  -t set,get,lpush,hset -q >/dev/null 2>&1

"$OURS" --redis.addr="redis://127.0.0.1:$CL_PORT_BASE" --redis.password="$CL_PASSWORD" \
  --web.listen-address=127.0.0.1:$OURS_PORT 2>"$WORK/ours.log" &
OURS_PID=$!
CL_PIDS+=("$OURS_PID")
"$REFERENCE" -redis.addr="redis://127.0.0.1:$CL_PORT_BASE" -redis.password="$CL_PASSWORD" -is-cluster \
  -web.listen-address=127.0.0.1:$REF_PORT >"$WORK/ref.log" 2>&1 &
REF_PID=$!
CL_PIDS+=("$REF_PID")
wait_http http://127.0.0.1:$OURS_PORT/health || exit 1
wait_http http://127.0.0.1:$REF_PORT/metrics || exit 1

OURS_URL=http://127.0.0.1:$OURS_PORT/metrics
REF_URL=http://127.0.0.1:$REF_PORT/metrics
for i in $(seq 1 10); do curl -s -o /dev/null "$OURS_URL"; curl -s -o /dev/null "$REF_URL"; done  # warm up

# One curl per block: its URLs share one kept-alive connection; time_total is per transfer.
block() { # block URL COUNT OUTFILE
  local args=() i
  for i in $(seq 1 "$2"); do args+=(-o /dev/null -w '%{time_total}\n' "$1"); done
  curl -s "${args[@]}" >>"$3"
}
BLOCK=25
ours_ticks=0
ref_ticks=0
done_n=0
while [ "$done_n" -lt "$N" ]; do
  n=$(( N - done_n < BLOCK ? N - done_n : BLOCK ))
  t0=$(cpu_ticks "$OURS_PID"); block "$OURS_URL" "$n" "$WORK/ours.times"; t1=$(cpu_ticks "$OURS_PID")
  ours_ticks=$((ours_ticks + t1 - t0))
  t0=$(cpu_ticks "$REF_PID"); block "$REF_URL" "$n" "$WORK/ref.times"; t1=$(cpu_ticks "$REF_PID")
  ref_ticks=$((ref_ticks + t1 - t0))
  done_n=$((done_n + n))
done

curl -s "$OURS_URL" >"$WORK/ours.txt"
curl -s "$REF_URL" >"$WORK/ref.txt"
TCK=$(getconf CLK_TCK)
stats() { # stats TIMESFILE -> "median_ms p99_ms"
  sort -g "$1" | awk '{a[NR] = $1} END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    i = int(NR * 0.99); if (i < NR * 0.99) i++; if (i < 1) i = 1
    printf "%.3f %.3f", m * 1000, a[i] * 1000 }'
}
read -r om op <<<"$(stats "$WORK/ours.times")"
read -r rm rp <<<"$(stats "$WORK/ref.times")"
calc() { awk "BEGIN {printf \"$1\", $2}"; }  # calc FORMAT EXPR
ocpu=$(calc %.3f "$ours_ticks * 1000 / $TCK / $N")
rcpu=$(calc %.3f "$ref_ticks * 1000 / $TCK / $N")
orss=$(rss_kb "$OURS_PID" VmRSS); ohwm=$(rss_kb "$OURS_PID" VmHWM)
rrss=$(rss_kb "$REF_PID" VmRSS); rhwm=$(rss_kb "$REF_PID" VmHWM)
osamples=$(grep -vc '^#' "$WORK/ours.txt"); rsamples=$(grep -vc '^#' "$WORK/ref.txt")
oup=$(grep -c '^redis_up{.*} 1$' "$WORK/ours.txt")

echo "# $N scrapes each, alternating blocks of $BLOCK, one kept-alive connection per block; $(nproc) CPUs"
echo "# cluster: six $("$RCS_SERVER_BIN" --version | awk '{print $3}') nodes; ours reports $oup nodes up"
printf "%-34s %12s %12s %14s %10s %10s %12s %9s\n" exporter "median_ms" "p99_ms" "cpu_ms/scrape" "rss_MB" "peak_MB" "bytes" "samples"
printf "%-34s %12s %12s %14s %10.1f %10.1f %12s %9s\n" "redis-cluster-exporter (6 nodes)" "$om" "$op" "$ocpu" \
  "$(calc %.2f "$orss / 1024")" "$(calc %.2f "$ohwm / 1024")" "$(wc -c <"$WORK/ours.txt")" "$osamples"
printf "%-34s %12s %12s %14s %10.1f %10.1f %12s %9s\n" "prometheus-redis-exporter (1 node)" "$rm" "$rp" "$rcpu" \
  "$(calc %.2f "$rrss / 1024")" "$(calc %.2f "$rhwm / 1024")" "$(wc -c <"$WORK/ref.txt")" "$rsamples"
echo "# ratios ours/reference: median $(calc %.2f "$om / $rm"), p99 $(calc %.2f "$op / $rp"), cpu $( [ "$ref_ticks" -gt 0 ] && calc %.2f "$ours_ticks / $ref_ticks" || echo n/a), rss $(calc %.2f "$orss / $rrss")"
echo "# memory detail (kB): ours Pss $(rollup_kb "$OURS_PID" Pss), private dirty $(rollup_kb "$OURS_PID" Private_Dirty), shared clean (libraries) $(rollup_kb "$OURS_PID" Shared_Clean); reference Pss $(rollup_kb "$REF_PID" Pss), private dirty $(rollup_kb "$REF_PID" Private_Dirty), shared clean $(rollup_kb "$REF_PID" Shared_Clean)"
echo "# cpu resolution: 1 tick = $((1000 / TCK)) ms over $N scrapes = $(calc %.3f "1000 / $TCK / $N") ms per scrape"
