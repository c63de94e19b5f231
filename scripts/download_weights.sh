#!/usr/bin/env bash
# Downloads torchvision's pretrained MobileNetV2 weights with wget (or curl when wget is missing), the
# shell equivalent of `mobilenetv2 download --output PATH`, for users who prefer wget.
#
#   scripts/download_weights.sh [OUTPUT [VARIANT]]
#
#   OUTPUT   where to write the file (default: models/<file name>, i.e. models/mobilenet_v2-b0353104.pth
#            for the default variant); "" or "-" also mean the default
#   VARIANT  IMAGENET1K_V1 (mobilenet_v2-b0353104.pth, the default) or IMAGENET1K_V2
#            (mobilenet_v2-7ebf99e0.pth)
#
# The file comes from https://download.pytorch.org/models/<file name>, or from
# $TTNN_WEIGHTS_BASE_URL/<file name> when that is set (a mirror). It is written to a temporary file
# beside OUTPUT, checked against the SHA-256 prefix in its published name (b0353104 / 7ebf99e0, as
# torch.hub checks it) with sha256sum, and renamed onto OUTPUT only when it matches; on any failure
# nothing is left behind and the exit status is 1 (2 for bad arguments).
set -euo pipefail

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -le 2 ]] || usage
case "${1:-}" in -h | --help) usage ;; esac

variant="${2:-IMAGENET1K_V1}"
case "${variant^^}" in
  IMAGENET1K_V1) file_name="mobilenet_v2-b0353104.pth"; prefix="b0353104" ;;
  IMAGENET1K_V2) file_name="mobilenet_v2-7ebf99e0.pth"; prefix="7ebf99e0" ;;
  *)
    echo "download_weights.sh: unknown variant '$variant': expected IMAGENET1K_V1 or IMAGENET1K_V2" >&2
    exit 2
    ;;
esac

output="${1:-}"
[[ -n "$output" && "$output" != "-" ]] || output="models/$file_name"
base_url="${TTNN_WEIGHTS_BASE_URL:-https://download.pytorch.org/models}"
while [[ "$base_url" == */ ]]; do base_url="${base_url%/}"; done
url="$base_url/$file_name"

for tool in sha256sum mktemp; do
  command -v "$tool" > /dev/null || { echo "download_weights.sh: '$tool' is required" >&2; exit 1; }
done

# Create the output directory if it doesn't exist.
mkdir -p "$(dirname "$output")"
partial="$(mktemp "$output.partial-XXXXXXXX")"
cleanup() { rm -f "$partial"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

advice() {
  echo "This machine may be offline or behind a firewall. Download $url elsewhere and pass it with" >&2
  echo "--weights FILE (or put it at $output)." >&2
}

echo "Downloading $url" >&2
if command -v wget > /dev/null; then
  # --tries retries transient failures; a 404 is not retried.
  downloader=(wget --tries=3 --waitretry=2 --timeout=30 --progress=bar:force:noscroll -O "$partial" "$url")
elif command -v curl > /dev/null; then
  downloader=(curl --fail --location --retry 3 --connect-timeout 30 --progress-bar -o "$partial" "$url")
else
  echo "download_weights.sh: neither wget nor curl is installed" >&2
  exit 1
fi
if ! "${downloader[@]}"; then
  echo "Error downloading the file: could not download $url." >&2
  advice
  exit 1
fi

actual="$(sha256sum "$partial" | cut -d' ' -f1)"
if [[ "$actual" != "$prefix"* ]]; then
  echo "Error: the downloaded file's SHA-256 is $actual, which does not start with the expected $prefix;" >&2
  echo "it was removed. The server (or a proxy, or the mirror in TTNN_WEIGHTS_BASE_URL) sent different content." >&2
  exit 1
fi

chmod 0644 "$partial"
mv -f "$partial" "$output"
trap - EXIT
echo "File downloaded successfully: $output (SHA-256 $actual)"
