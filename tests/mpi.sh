#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The MPI build against the plain one (lib/run/hop_par.h):
#   1. every program's --quick run under mpirun with 1, 2 and 3 ranks (oversubscribed on a
#      small machine; mhc on MNIST alone; 2 ranks only where the plain run takes over
#      30 s) writes the same bytes as the plain run: every CSV and weights file (the .txt
#      files are the manifest, which records the ranks and hosts, and timings);
#   2. failures end every rank, under a timeout, with the plain run's exit status and
#      message, the previous result directory intact and no staging directory left: a
#      data error on one rank only, a job error on a worker, SIGTERM to mpirun mid-run,
#      SIGKILL to rank 2 and SIGKILL to rank 0 (the writer) mid-run. mpirun sends SIGKILL
#      milliseconds after SIGTERM, often before rank 0's signal handler is done; the
#      staging directory's watcher (lib/run/hop_file.h) removes it then.
# Usage: sh tests/mpi.sh PLAIN_BUILD MPI_BUILD EXPERIMENT...
# Open MPI refuses to run as root unless told; the test tells it (its documented
# environment variables), users' commands need nothing.
set -u
plain=$1 mpi=$2; shift 2
if ! command -v mpirun > /dev/null 2>&1; then
  echo "mpi: FAIL mpirun missing (apt-get install openmpi-bin libopenmpi-dev)"; exit 1
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
# 2 threads per rank, more threads than cores: OpenMP's threads sleep rather than spin
# while they wait, or the ranks would take turns slowly
export OMP_WAIT_POLICY=passive
tmp=$(mktemp -d /tmp/hopmpi-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "mpi: FAIL $*"; }
# The files of a run directory, but its .txt files (the manifest, timings).
same_files() {
  r=0
  for f in "$1"/*; do
    n=$(basename "$f"); case $n in *.txt) continue ;; esac
    cmp -s "$f" "$2/$n" || { echo "$n differs"; r=1; }
  done
  [ "$(ls "$1" | wc -l)" = "$(ls "$2" | wc -l)" ] || { echo "file counts differ"; r=1; }
  return $r
}
staged() { ls -a "$tmp" | grep -q 'staging'; }

# 1. byte-identical to the plain run (2 threads), at any rank count (2 threads per rank)
# (for CI's budget: mhc on MNIST alone, and a program whose plain quick run still takes
# over 30 s on 2 ranks only)
for e in "$@"; do
  opts=""; [ "$e" = mhc ] && opts="--datasets mnist"
  start=$(date +%s)
  "$plain/$e" --quick $opts --seed 7 --threads 2 --out "$tmp/$e.plain" > "$tmp/log" 2>&1 ||
    { bad "$e: the plain run failed: $(tail -1 "$tmp/log")"; continue; }
  ranks="1 2 3"; [ $(($(date +%s) - start)) -gt 30 ] && ranks=2
  for k in $ranks; do
    start=$(date +%s)
    timeout 600 mpirun -n $k "$mpi/$e" --quick $opts --seed 7 --threads 2 --out "$tmp/$e.$k" \
      > "$tmp/log" 2>&1; rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -ne 0 ]; then bad "$e on $k ranks: exit $rc: $(tail -3 "$tmp/log")"; continue; fi
    if d=$(same_files "$tmp/$e.plain" "$tmp/$e.$k"); then
      ok; echo "mpi: $e --quick on $k ranks: the same bytes (${secs}s)"
    else bad "$e on $k ranks: $d"; fi
    grep -q "^ranks: $k " "$tmp/$e.$k/manifest.txt" || [ $k -eq 1 ] && ok ||
      bad "$e on $k ranks: the manifest does not record the ranks"
    rm -rf "$tmp/$e.$k"
  done
done
[ -d "$tmp/example.plain" ] || { echo "mpi: $pass passed, $fail failed"; exit 1; }

# 2. failures. The previous result stays; nothing is left staged.
prev() { rm -rf "$tmp/keep"; cp -r "$tmp/example.plain" "$tmp/keep"; }
intact() { same_files "$tmp/example.plain" "$tmp/keep" > /dev/null && ! staged; }

# a data error on one rank only: rank 2 sees no datasets (HOPFIELD_DATA_DIR differs per rank)
if [ ! -x "$mpi/cifar_recall" ]; then bad "no $mpi/cifar_recall for the data error"; else
  mkdir -p "$tmp/nodata"
  HOPFIELD_DATA_DIR="$tmp/nodata" "$plain/cifar_recall" --quick --out "$tmp/x" > "$tmp/want" 2>&1
  want=$?
  cat > "$tmp/rank.sh" << EOF
#!/bin/sh
[ "\$OMPI_COMM_WORLD_RANK" = 2 ] && export HOPFIELD_DATA_DIR="$tmp/nodata"
exec "\$@"
EOF
  chmod +x "$tmp/rank.sh"
  timeout 300 mpirun -n 3 "$tmp/rank.sh" "$mpi/cifar_recall" --quick --threads 1 --out "$tmp/x" \
    > "$tmp/got" 2>&1; rc=$?
  if [ $rc -eq $want ] && [ $rc -eq 3 ] && grep -qF "$(head -1 "$tmp/want")" "$tmp/got" &&
    [ ! -e "$tmp/x" ] && ! staged; then ok
  else bad "a data error on rank 2: exit $rc (want $want): $(head -3 "$tmp/got")"; fi
fi

# a job error on a worker: HOP_JOBS_FAIL_RANK=R makes every job that rank R runs fail
# (hop_jobs.c); capacity's quick run has jobs enough for rank 1 to get some
HOP_JOBS_FAIL_RANK=0 "$plain/capacity" --quick --threads 1 --out "$tmp/x" > "$tmp/want" 2>&1
want=$?
prev
HOP_JOBS_FAIL_RANK=1 timeout 300 mpirun -n 3 "$mpi/capacity" --quick --threads 1 --force \
  --out "$tmp/keep" > "$tmp/got" 2>&1; rc=$?
w=$(grep -c "injected" "$tmp/want"); g=$(grep -c "injected" "$tmp/got")
if [ $rc -eq $want ] && [ $rc -eq 1 ] && [ "$w" = 1 ] && [ "$g" = 1 ] && intact; then ok
else bad "a job error on rank 1: exit $rc (want $want): $(grep -v WARNING "$tmp/got" | head -3)"; fi

# A full capacity run under mpirun in the background, over the previous result ($pid).
start_long() {
  prev
  mpirun -n 3 "$mpi/capacity" --threads 1 --out "$tmp/keep" --force > "$tmp/got" 2>&1 &
  pid=$!
  sleep 4
}
# Wait up to 60 s for it to end: $result is "ok" when it failed (status $rc), every rank is
# gone, the previous result is intact and nothing is staged; "hung" if it had to be killed.
finish_long() {
  i=0 result=""
  while kill -0 $pid 2> /dev/null && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
  if kill -0 $pid 2> /dev/null; then kill -KILL $pid; rc=-1 result=hung; return; fi
  wait $pid; rc=$?
  sleep 1
  if [ $rc -ne 0 ] && intact && ! pgrep -f "$mpi/capacity" > /dev/null; then result=ok; fi
}
said() {
  echo "${result:-exit $rc, intact: $(same_files "$tmp/example.plain" "$tmp/keep" > /dev/null &&
    echo yes || echo no), staged: $(ls -a "$tmp" | grep staging)}"
}
# The pid of rank $1: a child of mpirun (its watcher has the same command and environment).
rank_pid() {
  victim=""
  for p in $(pgrep -P $pid -f "$mpi/capacity"); do
    tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1" &&
      victim=$p
  done
}

# SIGTERM to mpirun mid-run: ends every rank, the previous result intact, nothing staged
start_long
kill -TERM $pid
finish_long
[ "$result" = ok ] && ok || bad "SIGTERM to mpirun: $(said)"

# a rank killed outright (SIGKILL to rank 2): mpirun ends the others and fails visibly
start_long
rank_pid 2
[ -n "$victim" ] && kill -KILL "$victim"
finish_long
[ -n "$victim" ] && [ "$result" = ok ] && ok || bad "SIGKILL of rank 2 (pid '$victim'): $(said)"

# the writer killed outright (SIGKILL to rank 0): no handler runs; its watcher removes the
# staging directory
start_long
rank_pid 0
[ -n "$victim" ] && kill -KILL "$victim"
finish_long
[ -n "$victim" ] && [ "$result" = ok ] && ok || bad "SIGKILL of rank 0 (pid '$victim'): $(said)"

echo "mpi: $pass passed, $fail failed"
[ $fail -eq 0 ]
