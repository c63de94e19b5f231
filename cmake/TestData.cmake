# Generated test data: a generator script (run with Debian's /usr/bin/python3, which has torch) writes a
# set of files into a cache keyed by the script's hash; nothing generated is committed.
#
#   ttnn_test_data(KIND GENERATOR ENV_VAR)
#     The set lives in ${TTNN_TEST_DATA_ROOT}/KIND/<first 16 hex digits of sha256(GENERATOR)>, computed
#     here at configure time (editing the generator re-runs the configure step) and stored in the cache
#     variable ENV_VAR. The ctest test KIND_generate (FIXTURES_SETUP KIND) runs scripts/cached_generate.sh,
#     which generates the set when the cache lacks it and otherwise returns at once.
#   ttnn_use_test_data(TARGET KIND...)
#     Every gtest discovered from TARGET requires those fixtures and gets their ENV_VARs. Name every kind a
#     target needs in one call: ctest can only set these properties, not append to them.
#
# By hand: TTNN_ORACLE_DIR=$(scripts/cached_generate.sh oracle tests/oracle/generate.py) ./ops_tests

if(NOT "$ENV{TTNN_CACHE_DIR}" STREQUAL "")
  set(_ttnn_cache_root "$ENV{TTNN_CACHE_DIR}")
elseif(NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(_ttnn_cache_root "$ENV{XDG_CACHE_HOME}/ttnn-cpp")
else()
  set(_ttnn_cache_root "$ENV{HOME}/.cache/ttnn-cpp")
endif()
set(TTNN_TEST_DATA_ROOT "${_ttnn_cache_root}" CACHE PATH "Cache root for generated test data")
set(TTNN_TEST_PYTHON "/usr/bin/python3" CACHE FILEPATH "Python with torch, torchvision, numpy, PIL and skimage")

function(ttnn_test_data kind generator env_var)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${generator}")
  file(SHA256 "${generator}" hash)
  string(SUBSTRING "${hash}" 0 16 hash)
  set(dir "${TTNN_TEST_DATA_ROOT}/${kind}/${hash}")
  set(${env_var} "${dir}" CACHE PATH "Generated ${kind} test data (computed at configure time)" FORCE)
  set_property(GLOBAL PROPERTY TTNN_TEST_DATA_ENV_${kind} "${env_var}=${dir}")
  # Checks cached_generate.sh returns the configured directory (it differs only if the generator changed
  # since the last configure: rebuilding re-runs cmake).
  add_test(NAME ${kind}_generate
    COMMAND bash -c [[dir=$("$0" "$1" "$2" "$3") || exit 1; if [ "$dir" != "$4" ]; then echo "generated $dir, but the tests were configured for $4: re-run cmake" >&2; exit 1; fi; echo "$1: $dir"]]
            "${PROJECT_SOURCE_DIR}/scripts/cached_generate.sh" "${kind}" "${generator}" "${TTNN_TEST_DATA_ROOT}" "${dir}")
  set_tests_properties(${kind}_generate PROPERTIES FIXTURES_SETUP ${kind} LABELS test_data TIMEOUT 900
                       ENVIRONMENT "TTNN_PYTHON=${TTNN_TEST_PYTHON}")
endfunction()

function(ttnn_use_test_data target)
  set(environment "")
  foreach(kind IN LISTS ARGN)
    get_property(entry GLOBAL PROPERTY TTNN_TEST_DATA_ENV_${kind})
    if(NOT entry)
      message(FATAL_ERROR "ttnn_use_test_data: no test data '${kind}' (declare it with ttnn_test_data first)")
    endif()
    list(APPEND environment "${entry}")
  endforeach()
  # ctest reads this file after the target's discovered-tests file (the DEFER appends it at the end of this
  # directory), where gtest_discover_tests has set ${target}_TESTS.
  set(file "${CMAKE_CURRENT_BINARY_DIR}/${target}_test_data.cmake")
  file(WRITE "${file}"
    "if(NOT \"\${${target}_TESTS}\" STREQUAL \"\")\n"
    "  set_tests_properties(\${${target}_TESTS} PROPERTIES\n"
    "    FIXTURES_REQUIRED [==[${ARGN}]==]\n"
    "    ENVIRONMENT [==[${environment}]==])\n"
    "endif()\n")
  cmake_language(EVAL CODE
    "cmake_language(DEFER CALL set_property DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES [==[${file}]==])")
endfunction()
