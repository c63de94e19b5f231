# Per-ISA compile flags for the kernel sources. The library itself is built for the baseline ISA (no
# -march=native): only the files listed here get wider instructions, and dispatch.cpp runs them only when
# cpuid + XCR0 say the CPU and OS support them.
include(CheckCXXCompilerFlag)

set(TTNN_ISA_X86 OFF)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|i[3-6]86)$")
  set(TTNN_ISA_X86 ON)
endif()

set(TTNN_AVX2_FLAGS -mavx2 -mfma -mf16c)
set(TTNN_HAVE_AVX2 OFF)
if(TTNN_ISA_X86)
  check_cxx_compiler_flag("-mavx2 -mfma -mf16c" TTNN_COMPILER_HAS_AVX2)
  if(TTNN_COMPILER_HAS_AVX2)
    set(TTNN_HAVE_AVX2 ON)
  endif()
endif()

# GCC 12's AVX-512 intrinsics (max, min, extract, reduce) start from _mm512_undefined_*(), which
# -Wuninitialized reports once inlined into our code: off for these files only.
set(TTNN_AVX512_FLAGS ${TTNN_AVX2_FLAGS} -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512bf16 -mavx512vnni
    -Wno-uninitialized -Wno-maybe-uninitialized)
set(TTNN_HAVE_AVX512 OFF)
if(TTNN_HAVE_AVX2)
  check_cxx_compiler_flag("-mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512bf16 -mavx512vnni" TTNN_COMPILER_HAS_AVX512)
  if(TTNN_COMPILER_HAS_AVX512)
    set(TTNN_HAVE_AVX512 ON)
  endif()
endif()

# The AMX tier: the AVX-512 flags plus the tile instructions (GCC 11 and later).
set(TTNN_AMX_FLAGS ${TTNN_AVX512_FLAGS} -mamx-tile -mamx-bf16)
set(TTNN_HAVE_AMX OFF)
if(TTNN_HAVE_AVX512)
  check_cxx_compiler_flag("-mavx512f -mamx-tile -mamx-bf16" TTNN_COMPILER_HAS_AMX)
  if(TTNN_COMPILER_HAS_AMX)
    set(TTNN_HAVE_AMX ON)
  endif()
endif()

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
