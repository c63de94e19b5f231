# Per-ISA compile flags for the kernel sources. The library itself is built for the baseline ISA (no
# -march=native): only the files listed here get wider instructions, and dispatch.cpp runs them only when
# cpuid + XCR0 say the CPU and OS support them.
include(CheckCXXCompilerFlag)

set(TTNN_ISA_X86 OFF)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|i[3-6]86)$")
  set(TTNN_ISA_X86 ON)
endif()

# ttnn_isa_tier(<NAME> <prerequisite> <flag>...): TTNN_<NAME>_FLAGS, and TTNN_HAVE_<NAME> ON when the
# prerequisite variable is ON and the compiler takes the flags.
function(ttnn_isa_tier name prerequisite)
  set(TTNN_${name}_FLAGS ${ARGN} PARENT_SCOPE)
  set(have OFF)
  if(${prerequisite})
    string(JOIN " " flags ${ARGN})
    check_cxx_compiler_flag("${flags}" TTNN_COMPILER_HAS_${name})
    if(TTNN_COMPILER_HAS_${name})
      set(have ON)
    endif()
  endif()
  set(TTNN_HAVE_${name} ${have} PARENT_SCOPE)
endfunction()

ttnn_isa_tier(AVX2 TTNN_ISA_X86 -mavx2 -mfma -mf16c)
# GCC 12's AVX-512 intrinsics (max, min, extract, reduce) start from _mm512_undefined_*(), which
# -Wuninitialized reports once inlined into our code: off for these files only.
ttnn_isa_tier(AVX512 TTNN_HAVE_AVX2 ${TTNN_AVX2_FLAGS} -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512bf16
              -mavx512vnni -Wno-uninitialized -Wno-maybe-uninitialized)
# The AMX tier: the AVX-512 flags plus the tile instructions (GCC 11 and later).
ttnn_isa_tier(AMX TTNN_HAVE_AVX512 ${TTNN_AVX512_FLAGS} -mamx-tile -mamx-bf16)

# ttnn_isa_sources(<target> <isa> <file>...): gives the files the ISA's flags in <target>'s directory
# (source properties are directory-scoped, and ttnn is defined at the top level).
function(ttnn_isa_sources target isa)
  if(isa STREQUAL "avx2")
    set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES COMPILE_OPTIONS "${TTNN_AVX2_FLAGS}")
  elseif(isa STREQUAL "avx512")
    set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES COMPILE_OPTIONS "${TTNN_AVX512_FLAGS}")
  elseif(isa STREQUAL "amx")
    set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES COMPILE_OPTIONS "${TTNN_AMX_FLAGS}")
  else()
    message(FATAL_ERROR "ttnn_isa_sources: unknown ISA ${isa}")
  endif()
endfunction()
