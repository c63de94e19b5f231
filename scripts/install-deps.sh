#!/usr/bin/env bash
# Installs the Debian 12 packages ttnn-cpp needs, skipping those already present (idempotent).
#   scripts/install-deps.sh build   compiler, libraries and the command line tool's dependencies
#   scripts/install-deps.sh test    the above plus the test suite's (GoogleTest, PyTorch oracle, fuzzing,
#                                   npm to fetch the real trained weights)
set -euo pipefail

profile=${1:-build}
build_packages=(
  cmake g++ make pkg-config
  libfmt-dev libcli11-dev nlohmann-json3-dev
  libzip-dev libdeflate-dev libcurl4-openssl-dev libssl-dev
  libjpeg62-turbo-dev libspng-dev
  libgraphviz-dev graphviz
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-torch python3-torchvision python3-numpy python3-skimage python3-pil libopenblas0-openmp
  clang libclang-rt-14-dev wget
  npm
)

packages=("${build_packages[@]}")
case "$profile" in
  build) ;;
  test) packages+=("${test_packages[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  # NodeSource's nodejs ships npm itself and conflicts with Debian's npm package.
  if [ "$package" = npm ] && command -v npm >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
  $sudo apt-get update -q >&2
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
