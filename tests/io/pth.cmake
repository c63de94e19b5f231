# Checkpoints for the .pth reader tests (tests/oracle/make_checkpoints.py), generated at test time into
# a cache keyed by the script's hash, never committed. Include from tests/io/CMakeLists.txt:
#
#   include(pth.cmake)
#   ttnn_use_checkpoints(io_tests)   # after the executable exists
#
# - TTNN_CHECKPOINT_DIR (a cache variable) is computed here exactly as scripts/checkpoints.sh computes it:
#     ${TTNN_CHECKPOINT_CACHE_ROOT}/checkpoints/<first 16 hex digits of sha256(make_checkpoints.py)>
#   with the cache root defaulting (at the first configure) to
#     ${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}
#   Editing make_checkpoints.py re-runs the configure step.
# - The ctest test `checkpoints_generate` (FIXTURES_SETUP checkpoints) runs scripts/checkpoints.sh,
#   which generates the set when the cache lacks it (about 5 s) and otherwise returns at once.
# - ttnn_use_checkpoints(<target>) makes every gtest discovered from <target> require the fixture and
#   get TTNN_CHECKPOINT_DIR in its environment. It sets the tests' FIXTURES_REQUIRED (ctest scripts
#   cannot append to a test property) and uses ENVIRONMENT_MODIFICATION, which leaves ENVIRONMENT to
#   others (ttnn_use_oracle). A target that also needs another fixture passes both directly instead:
#     gtest_discover_tests(io_tests PROPERTIES FIXTURES_REQUIRED "checkpoints;oracle"
#                          ENVIRONMENT TTNN_CHECKPOINT_DIR=${TTNN_CHECKPOINT_DIR})
# Running the tests by hand: TTNN_CHECKPOINT_DIR=$(scripts/checkpoints.sh) ./io_tests

set(TTNN_CHECKPOINT_GENERATOR "${PROJECT_SOURCE_DIR}/tests/oracle/make_checkpoints.py")
set(TTNN_CHECKPOINT_SCRIPT "${PROJECT_SOURCE_DIR}/scripts/checkpoints.sh")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${TTNN_CHECKPOINT_GENERATOR}")

if(NOT "$ENV{TTNN_CACHE_DIR}" STREQUAL "")
  set(_ttnn_checkpoint_root "$ENV{TTNN_CACHE_DIR}")
elseif(NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(_ttnn_checkpoint_root "$ENV{XDG_CACHE_HOME}/ttnn-cpp")
else()
  set(_ttnn_checkpoint_root "$ENV{HOME}/.cache/ttnn-cpp")
endif()
set(TTNN_CHECKPOINT_CACHE_ROOT "${_ttnn_checkpoint_root}" CACHE PATH
    "Cache root for generated test data; checkpoints live in <root>/checkpoints/<hash of make_checkpoints.py>")
set(TTNN_CHECKPOINT_PYTHON "/usr/bin/python3" CACHE FILEPATH
    "Python interpreter with torch and torchvision that runs tests/oracle/make_checkpoints.py")

file(SHA256 "${TTNN_CHECKPOINT_GENERATOR}" _ttnn_checkpoint_hash)
string(SUBSTRING "${_ttnn_checkpoint_hash}" 0 16 _ttnn_checkpoint_hash)
set(TTNN_CHECKPOINT_DIR "${TTNN_CHECKPOINT_CACHE_ROOT}/checkpoints/${_ttnn_checkpoint_hash}" CACHE PATH
    "Directory of the generated checkpoints for this make_checkpoints.py (computed at configure time)" FORCE)

# Runs checkpoints.sh and checks it printed the directory computed above.
add_test(NAME checkpoints_generate
  COMMAND bash -c [[dir=$("$0" "$1") || exit 1; if [ "$dir" != "$2" ]; then echo "checkpoints.sh produced $dir, but the tests were configured for $2: re-run cmake" >&2; exit 1; fi; echo "checkpoints: $dir"]]
          "${TTNN_CHECKPOINT_SCRIPT}" "${TTNN_CHECKPOINT_CACHE_ROOT}" "${TTNN_CHECKPOINT_DIR}")
set_tests_properties(checkpoints_generate PROPERTIES
  FIXTURES_SETUP checkpoints
  ENVIRONMENT "TTNN_PYTHON=${TTNN_CHECKPOINT_PYTHON}"
  LABELS checkpoints
  TIMEOUT 600)

# ttnn_use_checkpoints(<test executable>): see the comment at the top of this file.
function(ttnn_use_checkpoints target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "ttnn_use_checkpoints: '${target}' is not a target")
  endif()
  # Read by ctest after the executable's discovered-tests file, where ${target}_TESTS lists them.
  set(_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_checkpoints.cmake")
  file(WRITE "${_file}"
    "if(NOT \"\${${target}_TESTS}\" STREQUAL \"\")\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES\n"
    "    FIXTURES_REQUIRED checkpoints\n"
    "    ENVIRONMENT_MODIFICATION [==[TTNN_CHECKPOINT_DIR=set:${TTNN_CHECKPOINT_DIR}]==])\n"
    "endif()\n")
  cmake_language(EVAL CODE
    "cmake_language(DEFER CALL set_property DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES [==[${_file}]==])")
endfunction()
