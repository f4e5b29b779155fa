#!/usr/bin/env bash
# Packs the build dependencies the GPU machine lacks (it has no network and no Debian
# packages: docs/PERFORMANCE.md, "CUDA") into one relocatable prefix, so that
# scripts/gpu-check.sh can build the library with audio files (libsndfile) and the dgen
# command line (CLI11, nlohmann-json) there: headers, CMake configs, pkg-config with a file for libsndfile, and
# libsndfile with the codec libraries it links, copied from this machine's packages
# (plain files: the device tool carries no symbolic links).
#
# Usage: scripts/gpu-deps.sh DIR   then on the GPU machine: GPU_DEPS=DIR scripts/gpu-check.sh
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/gpu-deps.sh DIR" >&2; exit 2; }
dir=$1
arch=$(gcc -print-multiarch)
rm -rf "$dir" && mkdir -p "$dir/include" "$dir/lib/pkgconfig" "$dir/share/cmake"
cp /usr/include/sndfile.h /usr/include/sndfile.hh "$dir/include/"
cp -r /usr/include/CLI /usr/include/nlohmann "$dir/include/"
cp -r /usr/share/cmake/CLI11 /usr/share/cmake/nlohmann_json "$dir/share/cmake/"
sndfile=$(readlink -f "/usr/lib/$arch/libsndfile.so")
cp "$sndfile" "$dir/lib/libsndfile.so.1"
cp "$sndfile" "$dir/lib/libsndfile.so"
# The codecs libsndfile links (resolved at link and load time from LD_LIBRARY_PATH).
ldd "$sndfile" | awk '$3 ~ /^\// {print $1, $3}' | while read -r soname path; do
  case "$soname" in libc.so* | libm.so* | ld-linux*) continue ;; esac
  cp "$(readlink -f "$path")" "$dir/lib/$soname"
done
# pkg-config itself (CMake's FindPkgConfig needs the program) and its library.
mkdir -p "$dir/bin"
pkgconf=$(readlink -f "$(command -v pkg-config)")
cp "$pkgconf" "$dir/bin/pkg-config"
ldd "$pkgconf" | awk '$1 ~ /^libpkgconf/ {print $1, $3}' | while read -r soname path; do
  cp "$(readlink -f "$path")" "$dir/lib/$soname"
done
cat >"$dir/lib/pkgconfig/sndfile.pc" <<PC
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: sndfile
Description: libsndfile, packed for the GPU machine by scripts/gpu-deps.sh
Version: $(pkg-config --modversion sndfile)
Libs: -L\${libdir} -lsndfile
Cflags: -I\${includedir}
PC
du -sh "$dir" | awk '{print "packed " $1 " into " $2}'
