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
"$build/capacity" --quick --out "$r" > /dev/null 2>&1 && [ -s "$r/manifest.txt" ] && ok || bad "capacity --quick"
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

# ---- 4. --out replaces only what is ours (issue 23) ------------------------------------
# a directory no run of ours wrote: refused, naming what is there, and left as it was
u=$tmp/user; mkdir -p "$u"; echo x > "$u/a.txt"
"$build/example" --quick --out "$u" > "$tmp/log" 2>&1; got=$?
if [ $got -eq 2 ] && grep -q "'a.txt'" "$tmp/log" && grep -q -- "--force" "$tmp/log" && [ "$(cat "$u/a.txt")" = x ] && [ ! -e "$u/manifest.txt" ]; then ok
else bad "--out a user's directory: exit $got: $(tail -1 "$tmp/log")"; fi
# another program's result: refused too
"$build/example" --quick --out "$tmp/ex" > /dev/null 2>&1
expect 2 "not a result directory of capacity" "$tmp/none" "$build/capacity" --quick --out "$tmp/ex"
[ -s "$tmp/ex/manifest.txt" ] && grep -q "experiment: example" "$tmp/ex/manifest.txt" && ok || bad "another program's result was touched"
# --force: the new run takes the name, the user's file is kept beside it, visibly
"$build/example" --quick --force --out "$u" > "$tmp/log" 2>&1; got=$?
if [ $got -eq 0 ] && [ "$(cat "$u.replaced-1/a.txt" 2> /dev/null)" = x ] && [ -s "$u/manifest.txt" ] && grep -q "replaced-1" "$tmp/log"; then ok
else bad "--force: exit $got, kept: $(ls "$u.replaced-1" 2>&1)"; fi
# a result directory that its owner made read-only is never replaced (root included)
cp "$u/manifest.txt" "$tmp/before.ro"; chmod 555 "$u"
expect 2 "read-only" "$tmp/none" "$build/example" --quick --force --out "$u"
chmod 755 "$u"; cmp -s "$u/manifest.txt" "$tmp/before.ro" && ok || bad "a read-only result directory changed"
# a control character in --out: refused, nothing created
nl='
'
expect 2 "control character" "$tmp/a${nl}b" "$build/example" --quick --out "$tmp/a${nl}b"
# a mount point (as root, in a mount namespace of its own): refused before any computation
if [ "$(id -u)" -eq 0 ] && unshare -m true 2> /dev/null; then
  mkdir -p "$tmp/mnt"
  unshare -m sh -c "mount -t tmpfs none '$tmp/mnt' && '$build/mhc' --out '$tmp/mnt'" > "$tmp/log" 2>&1; got=$?
  if [ $got -eq 2 ] && grep -q "mount point" "$tmp/log"; then ok; else bad "--out a mount point: exit $got: $(tail -1 "$tmp/log")"; fi
else echo "robust: skipped the mount-point case (needs root and unshare -m)"; fi

# ---- 5. liveness across PID namespaces: a live run in another one is never swept ---------
# The run in the namespace burns PIDs first, so its staging name carries a PID that does
# not exist out here (what a PID-based sweep took for a dead run).
if [ "$(id -u)" -eq 0 ] && unshare -p -f --mount-proc true 2> /dev/null; then
  ns=$tmp/ns; mkdir -p "$ns"
  unshare -p -f --mount-proc sh -c 'i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i + 1)); done; "$0" --quick --budget 5000 --threads 1 --out "$1"; st=$?; exit $st' \
    "$build/capacity" "$ns/a" > "$tmp/ns.log" 2>&1 &
  npid=$!
  n=0; while [ $n -lt 100 ] && ! ls -d "$ns"/.a.staging-* > /dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
  inner=$(ls -d "$ns"/.a.staging-* 2> /dev/null | sed 's/.*-\([0-9]*\)-[^-]*$/\1/')
  kill -0 "$inner" 2> /dev/null && echo "robust: note: the namespaced run's PID $inner also exists here"
  "$build/example" --quick --out "$ns/b" > /dev/null 2>&1 # its sweep of $ns runs now
  live=$(ls -d "$ns"/.a.staging-* 2> /dev/null | wc -l)
  wait $npid; got=$?
  "$build/capacity" --quick --budget 5000 --threads 1 --out "$tmp/nsref" > /dev/null 2>&1
  if [ "$live" -eq 1 ] && [ $got -eq 0 ] && [ "$(ls "$ns/a")" = "$(ls "$tmp/nsref")" ]; then ok
  else bad "a run in another PID namespace: staging kept during the sweep: $live, exit $got, files $(ls "$ns/a" | wc -l) of $(ls "$tmp/nsref" | wc -l)"; fi
else echo "robust: skipped the PID-namespace case (needs root and unshare -p)"; fi

# ---- 6. loaders open only regular files, read the header first, and bound the rest --------
w=$tmp/weights; mkdir -p "$w"; mkfifo "$w/cnn_small_seed0.bin"
start=$(date +%s)
expect 3 "not a regular file" "$tmp/o" timeout 60 "$build/cnn_wells" --quick --weights "$w" --out "$tmp/o"
[ $(( $(date +%s) - start )) -lt 50 ] && ok || bad "a FIFO as a weights file blocked"
grep -q "make data" "$tmp/log" && bad "a weights file's error suggests make data" || ok
rm "$w/cnn_small_seed0.bin"; ln -s /dev/zero "$w/cnn_small_seed0.bin"
expect 3 "not a regular file" "$tmp/o" timeout 60 "$build/cnn_wells" --quick --weights "$w" --out "$tmp/o"
rm "$w/cnn_small_seed0.bin"
expect 3 "No such file" "$tmp/o" "$build/cnn_wells" --quick --weights "$w" --out "$tmp/o"
# a weights header announcing 2 GiB in a short file: refused from the header, nothing read
{ printf 'HOPCNN01'; head -c 100 /dev/zero; } > "$w/cnn_small_seed0.bin"
expect 3 "cnn_small_seed0.bin" "$tmp/o" "$build/cnn_wells" --quick --weights "$w" --out "$tmp/o"
# a FIFO in place of a dataset file: refused at once
f=$tmp/fifo; mkdir -p "$f/mnist"
for g in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-labels-idx1-ubyte; do ln -s "$data/mnist/$g" "$f/mnist/$g"; done
mkfifo "$f/mnist/t10k-images-idx3-ubyte"
HOPFIELD_DATA_DIR=$f expect 3 "not a regular file" "$tmp/o" timeout 60 "$build/context_wells" --quick --out "$tmp/o"
# a video of 2 GiB (sparse): refused up front with the numbers, exit 2, also under ulimit -v
v=$tmp/video; mkdir -p "$v/video"; ln -s "$data/mnist" "$v/mnist"
truncate -s $((699050 * 3072)) "$v/video/vtest-64x48-gray.raw"
HOPFIELD_DATA_DIR=$v expect 2 "GiB" "$tmp/o" timeout 60 "$build/sequence_memory" --out "$tmp/o"
if [ $san -eq 0 ]; then
  ( ulimit -v 1500000; HOPFIELD_DATA_DIR=$v timeout 60 "$build/sequence_memory" --video-frames 100000 --out "$tmp/o" ) > "$tmp/log" 2>&1; got=$?
  if [ $got -eq 2 ] && grep -q "ulimit -v" "$tmp/log" && clean "$tmp/o"; then ok; else bad "a big video under ulimit -v: exit $got: $(tail -1 "$tmp/log")"; fi
fi
# an IDX file whose header announces 1.5 GB (sparse): under ulimit -v, refused before
# the read with the numbers, exit 2
if [ $san -eq 0 ]; then
  rm "$f/mnist/t10k-images-idx3-ubyte"
  { printf '\0\0\10\3\0\36\204\200\0\0\0\34\0\0\0\34'; } > "$f/mnist/t10k-images-idx3-ubyte"
  truncate -s $((16 + 2000000 * 784)) "$f/mnist/t10k-images-idx3-ubyte"
  ( ulimit -v 1000000; HOPFIELD_DATA_DIR=$f timeout 60 "$build/context_wells" --quick --out "$tmp/o" ) > "$tmp/log" 2>&1; got=$?
  if [ $got -eq 2 ] && grep -q "ulimit -v" "$tmp/log" && clean "$tmp/o"; then ok; else bad "a 1.5 GB IDX file under ulimit -v: exit $got: $(tail -1 "$tmp/log")"; fi
fi
# a 2-frame video: its count, read before the free
truncate -s $((2 * 3072)) "$v/video/vtest-64x48-gray.raw"
HOPFIELD_DATA_DIR=$v expect 3 " 2 frames" "$tmp/o" "$build/sequence_memory" --quick --out "$tmp/o"

# ---- 7. options: refused, never clamped; strict numbers; the cost said before the run ------
expect 2 "kernel-frame" "$tmp/o" "$build/sequence_memory" --quick --kernel-frame 100000 --out "$tmp/o"
expect 2 "given twice" "$tmp/o" "$build/example" --quick --quick --out "$tmp/o"
expect 2 "not a whole number" "$tmp/o" "$build/capacity" --quick --budget ' 5' --out "$tmp/o"
expect 2 "not a finite number" "$tmp/o" "$build/capacity" --quick --sizes 100,0x10 --out "$tmp/o"
# the estimate, before anything starts: far beyond the default run, in days at the top
for c in "capacity --budget 1000000000" "capacity_dense --samples 100000 --trials 10000" \
         "cifar_recall --queries 1000000 --seeds 64" "cnn_wells --epochs 50 --seeds 10" \
         "context_wells --runs 10000000 --steps 1000000" "mhc --epochs 30 --seeds 64 --train 1000000" \
         "sequence_memory --cap-trials 1000 --mm-clips 100000"; do
  set -- $c; p=$1; shift
  "$build/$p" --estimate "$@" --out "$tmp/o" > "$tmp/log" 2>&1; got=$?
  if [ $got -eq 0 ] && grep -q "WARNING: this run's own estimate is .* \(h\|days\)" "$tmp/log" && clean "$tmp/o"; then ok
  else bad "$p --estimate $*: exit $got: $(tail -1 "$tmp/log")"; fi
done
expect 2 "GiB" "$tmp/o" "$build/context_wells" --starts 1000000 --dim 4096 --keys 4096 --clusters 4 --threads 2 --out "$tmp/o"
expect 2 "GiB" "$tmp/o" "$build/capacity_dense" --p-max 1000000 --threads 256 --out "$tmp/o"
HOPFIELD_DATA_DIR=$v "$build/context_wells" --keys 4096 --clusters 4 --estimate > "$tmp/log" 2>&1
grep -q "WARNING" "$tmp/log" && ok || bad "context_wells --keys 4096 gave no warning: $(cat "$tmp/log")"

echo "robust: $pass passed, $fail failed"
[ $fail -eq 0 ]
