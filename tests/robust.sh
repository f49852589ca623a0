#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Robustness of the experiment programs as a user meets it (README.md, "Exit statuses"
# and "Result directories"): each case below once got through (issue 13) and must now
# end cleanly with its documented exit status.
#   1. data well-formed but wrong for the experiment (other shapes, too few records)
#   2. a results directory is finished or visibly not (signals, write errors, a link in
#      the way, an unusable --out found before any computation, make and --quick runs)
#   3. options and resources (memory, budget, a data path too long)
# Usage: sh tests/robust.sh BUILD_DIR
set -u
build=$1
tmp=$(mktemp -d /tmp/hoprobust-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "robust: FAIL $*"; }
data=${HOPFIELD_DATA_DIR:-data}
case $data in /*) ;; *) data=$PWD/$data ;; esac
san=0; case $build in *san*) san=1 ;; esac
# nothing under the output's name and no staging directory left in its parent
clean() { [ ! -e "$1" ] && ! ls -d "$(dirname "$1")"/.*.staging-* > /dev/null 2>&1; }
# expect STATUS PATTERN OUT CMD...: exit status, a message naming the problem, nothing written
expect() {
  want=$1 pat=$2 out=$3; shift 3
  "$@" > "$tmp/log" 2>&1; got=$?
  if [ "$got" -eq "$want" ] && grep -q -- "$pat" "$tmp/log" && clean "$out"; then ok
  else bad "$(basename "$1") ${*#"$1"}: exit $got (want $want, '$pat'): $(tail -2 "$tmp/log")"; fi
}

# ---- 1. data that is well-formed but wrong for the experiment --------------------------
d=$tmp/data; mkdir -p "$d/mnist" "$d/cifar-10-jpeg75"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-labels-idx1-ubyte; do ln -s "$data/mnist/$f" "$d/mnist/$f"; done
# 10,000 test images of 20 x 20 (a valid IDX file): mhc once wrote past its buffers here
{ printf '\0\0\10\3\0\0\47\20\0\0\0\24\0\0\0\24'; head -c 4000000 /dev/zero; } > "$d/mnist/t10k-images-idx3-ubyte"
HOPFIELD_DATA_DIR=$d expect 3 "1 x 28 x 28" "$tmp/o" "$build/mhc" --quick --out "$tmp/o"
HOPFIELD_DATA_DIR=$d expect 3 "1 x 28 x 28" "$tmp/o" "$build/cnn_wells" --quick --out "$tmp/o"
HOPFIELD_DATA_DIR=$d expect 3 "1 x 28 x 28" "$tmp/o" "$build/context_wells" --quick --out "$tmp/o"
# 28 x 28, but only 100 test images: fewer than --test asks
{ printf '\0\0\10\3\0\0\0\144\0\0\0\34\0\0\0\34'; head -c 78400 /dev/zero; } > "$d/mnist/t10k-images-idx3-ubyte"
{ printf '\0\0\10\1\0\0\0\144'; head -c 100 /dev/zero; } > "$d/mnist/t10k-labels-idx1-ubyte.short"
rm "$d/mnist/t10k-labels-idx1-ubyte"; mv "$d/mnist/t10k-labels-idx1-ubyte.short" "$d/mnist/t10k-labels-idx1-ubyte"
HOPFIELD_DATA_DIR=$d expect 3 "fewer than --test" "$tmp/o" "$build/mhc" --quick --out "$tmp/o"
# a CIFAR-10 batch of 50 records: cifar_recall once segfaulted on the students' P = 100
head -c $((50 * 3073)) "$data/cifar-10-jpeg75/data_batch_1.bin" > "$d/cifar-10-jpeg75/data_batch_1.bin"
HOPFIELD_DATA_DIR=$d expect 3 "50 records" "$tmp/o" "$build/cifar_recall" --quick --cifar approx --out "$tmp/o"
# a data path longer than the loaders' buffers is refused, never truncated
long=$tmp/$(printf 'd%.0s' $(seq 300))
HOPFIELD_DATA_DIR=$long expect 2 "longer than" "$tmp/o" "$build/example" --quick --out "$tmp/o"
# missing data: exit 3, and the hint to run make data
HOPFIELD_DATA_DIR=$tmp/none expect 3 "make data" "$tmp/o" "$build/context_wells" --quick --out "$tmp/o"

# ---- 2. a results directory is finished or visibly not ---------------------------------
r=$tmp/r
"$build/example" --quick --out "$r" > /dev/null 2>&1 && [ -s "$r/manifest.txt" ] && ok || bad "example --quick"
cp "$r/manifest.txt" "$tmp/before"
# a signal mid-run: the conventional status, no staging left, the previous run intact
# (env --default-signal: a background job of a script would otherwise ignore SIGINT)
for sig in INT:2 TERM:15; do
  num=${sig#*:} sig=${sig%:*}
  env --default-signal=INT "$build/capacity" --out "$r" --threads 1 > /dev/null 2>&1 &
  pid=$!
  n=0; while [ $n -lt 50 ] && ! ls -d "$tmp"/.r.staging-* > /dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
  sleep 0.5
  kill -s $sig $pid; wait $pid 2> /dev/null; got=$?
  want=$((128 + num))
  if [ $got -eq $want ] && cmp -s "$r/manifest.txt" "$tmp/before" && ! ls -d "$tmp"/.r.staging-* > /dev/null 2>&1; then ok
  else bad "SIG$sig during a run: exit $got (want $want), previous run intact: $(cmp -s "$r/manifest.txt" "$tmp/before" && echo yes || echo no), staging: $(ls -d "$tmp"/.r.staging-* 2>/dev/null)"; fi
done
# a write that fails (the file-size limit, as a full disk): the file and strerror named
( trap "" XFSZ; ulimit -f 1; "$build/context_wells" --quick --out "$tmp/w" ) > "$tmp/log" 2>&1; got=$?
if [ $got -eq 1 ] && grep -q "File too large" "$tmp/log" && clean "$tmp/w"; then ok
else bad "a failed write: exit $got: $(tail -1 "$tmp/log")"; fi
# --out is a link, a file, or under a file: refused before any computation (mhc would
# train for minutes first)
ln -s "$r" "$tmp/link"
expect 2 "symbolic link" "$tmp/none" "$build/example" --quick --out "$tmp/link"
cmp -s "$r/manifest.txt" "$tmp/before" && ok || bad "--out a link: its target changed"
: > "$tmp/file"
start=$(date +%s)
expect 1 "Not a directory" "$tmp/file/sub" "$build/mhc" --out "$tmp/file/sub"
[ $(( $(date +%s) - start )) -lt 30 ] && ok || bad "mhc found an unusable --out only after computing"
expect 2 "not a directory" "$tmp/none" "$build/mhc" --out "$tmp/file"
# make never takes a --quick run as up to date
m=$tmp/mk; mkdir -p "$m/bin" "$m/data" "$m/results/example"
cp Makefile "$m/"; : > "$m/bin/example"; : > "$m/data/provenance.txt"; sleep 1
printf 'quick: yes\n' > "$m/results/example/manifest.txt"
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE make -s -n -C "$m" SANITIZE=0 results/example/manifest.txt 2> /dev/null; } # not the caller's SANITIZE=1
mk | grep -q "bin/example --out results/example" && ok || bad "make took a --quick run as up to date"
printf 'quick: no\n' > "$m/results/example/manifest.txt"
mk | grep -q "bin/example" && bad "make reran a complete run" || ok

# ---- 3. options and resources ------------------------------------------------------------
expect 2 "repeated" "$tmp/o" "$build/capacity" --quick --sizes 100,200,100 --out "$tmp/o"
expect 2 "outside" "$tmp/o" "$build/cifar_recall" --quick --beta-rgb 1e300 --out "$tmp/o"
expect 2 "GiB" "$tmp/o" "$build/sequence_memory" --mm-clips 100000 --mm-frames 1000 --out "$tmp/o"
if [ $san -eq 0 ]; then # AddressSanitizer needs far more address space than any limit here
  ( ulimit -v 300000; timeout 60 "$build/capacity" --quick --out "$tmp/o" ) > "$tmp/log" 2>&1; got=$?
  if [ $got -eq 2 ] && grep -q "ulimit -v" "$tmp/log"; then ok; else bad "capacity under ulimit -v: exit $got: $(tail -1 "$tmp/log")"; fi
fi
timeout 5 "$build/capacity" --budget 1000000000 --out "$tmp/o" > "$tmp/log" 2>&1 # SIGTERM twice (child, then group)
grep -q "WARNING: this run's own estimate is .* days" "$tmp/log" && clean "$tmp/o" && ok ||
  bad "capacity --budget 1e9 did not announce its estimate: $(head -1 "$tmp/log")"

echo "robust: $pass passed, $fail failed"
[ $fail -eq 0 ]
