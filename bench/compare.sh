#!/usr/bin/env bash
# Runs ttnn-cpp's benchmark and the PyTorch peer on the same points in one invocation and prints the ratio
# table that BENCHMARKS.md quotes (or one JSON object per configuration and batch with --json).
#
#   bench/compare.sh [--batch 1,8] [--threads 2] [--repeats 3] [--iterations 20]
#                    [--configs "float32:hifi4 ... bfloat8_b:lofi"] [--json]
#
# The whole set of measurements is repeated --repeats times, interleaving ttnn-cpp and PyTorch so that
# machine drift hits both sides; each figure is the median over the repeats and the spread is
# (max - min) / median. Each ttnn-cpp run times --iterations forward passes, each PyTorch run as many.
# MOBILENETV2=path picks another binary (default build/tools/mobilenetv2/mobilenetv2).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
python=/usr/bin/python3
mobilenetv2=${MOBILENETV2:-$root/build/tools/mobilenetv2/mobilenetv2}

batch=1,8
threads=2
repeats=3
iterations=20
configs="float32:hifi4 float32:lofi bfloat16:hifi4 bfloat16:lofi bfloat8_b:hifi4 bfloat8_b:lofi"
json=0

die() { echo "compare.sh: $*" >&2; exit 1; }
usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; }

# Recorded before parsing, so the printed command reproduces this run exactly.
command_line="bench/compare.sh"
for arg in "$@"; do
  if [[ $arg =~ ^[A-Za-z0-9_./:,=+-]+$ ]]; then command_line+=" $arg"
  elif [[ $arg != *\'* ]]; then command_line+=" '$arg'"
  else command_line+=" $(printf '%q' "$arg")"; fi
done

while (($#)); do
  case $1 in
    --batch|--threads|--repeats|--iterations|--configs)
      (($# >= 2)) || die "$1 needs a value"
      declare "${1#--}=$2"
      shift 2 ;;
    --json) json=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

[[ $batch =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--batch wants comma-separated sizes, got '$batch'"
for name in threads repeats iterations; do
  [[ ${!name} =~ ^[1-9][0-9]*$ ]] || die "--$name wants a positive integer, got '${!name}'"
done
read -r -a config_list <<<"$configs"
((${#config_list[@]})) || die "--configs is empty"
for config in "${config_list[@]}"; do
  [[ $config =~ ^[a-z0-9_]+:[a-z0-9]+$ ]] || die "--configs entries are DTYPE:FIDELITY, got '$config'"
done

[[ -x $mobilenetv2 ]] ||
  die "ttnn-cpp binary not found at $mobilenetv2: build it with ./scripts/build.sh (or set MOBILENETV2)"
torch_version=$("$python" -c 'import torch, torchvision; print(torch.__version__)' 2>/dev/null) ||
  die "$python cannot import torch and torchvision: install them with scripts/install-deps.sh test"

# Debian's torch falls back to the reference BLAS without this package and runs several times slower,
# which would flatter every ratio: say so in the output, not only on the terminal.
warning=""
blas_status=$(dpkg-query -W -f='${Status}' libopenblas0-openmp 2>/dev/null || true)
if [[ $blas_status != "install ok installed" ]]; then
  warning="libopenblas0-openmp is not installed: PyTorch is measured with the reference BLAS and its figures are several times too low (install it: scripts/install-deps.sh test)"
  {
    echo "################################################################################"
    echo "WARNING: $warning"
    echo "################################################################################"
  } >&2
fi

# Other jobs on the cores skew PyTorch's OpenMP threads far more than ttnn-cpp: record how busy it was.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)

raw=$(mktemp "${TMPDIR:-/tmp}/compare.XXXXXX")
trap 'rm -f "$raw"' EXIT

# Tags each JSON line with its source and repeat; other output (none expected) is dropped.
tag() { sed -n "s/^{/{\"source\":\"$1\",\"repeat\":$2,/p" >>"$raw"; }

run_ttnn() {
  local dtype=${1%%:*} fidelity=${1#*:}
  echo "[repeat $2/$repeats] ttnn-cpp $dtype + $fidelity" >&2
  "$mobilenetv2" bench --batch "$batch" --dtype "$dtype" --math-fidelity "$fidelity" \
    --threads "$threads" --iterations "$iterations" --json | tag ttnn-cpp "$2" ||
    die "$mobilenetv2 bench failed for $dtype + $fidelity"
}

run_torch() {
  echo "[repeat $1/$repeats] pytorch" >&2
  "$python" "$root/bench/pytorch_peer.py" --batch "$batch" --threads "$threads" --repeats "$iterations" \
    --json | tag pytorch "$1" || die "bench/pytorch_peer.py failed"
}

for ((r = 1; r <= repeats; r++)); do
  # PyTorch alternates between the start and the end of a repeat so that drift within a repeat does not
  # always fall on the same side of the ratio.
  if ((r % 2)); then run_torch "$r"; fi
  for config in "${config_list[@]}"; do run_ttnn "$config" "$r"; done
  if ! ((r % 2)); then run_torch "$r"; fi
done

machine=$(LC_ALL=C lscpu | sed -n 's/^Model name: *//p' | head -n 1)
cpus=$(LC_ALL=C lscpu | sed -n 's/^CPU(s): *//p' | head -n 1)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)

table_args=(
  --raw "$raw" --configs "$configs" --batch "$batch"
  --machine "${machine:-unknown}" --cpus "${cpus:-$(nproc)}" --load "$load" --date "$(date -u '+%Y-%m-%d %H:%M UTC')"
  --commit "$commit" --command "$command_line" --torch-version "$torch_version"
  --ttnn-version "$("$mobilenetv2" --version 2>/dev/null || echo unknown)"
  --threads "$threads" --repeats "$repeats" --iterations "$iterations" --warning "$warning"
)
((json)) && table_args+=(--json)
"$python" "$root/bench/compare_table.py" "${table_args[@]}"
