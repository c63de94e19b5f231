# The libraries ttnn_io links, as imported targets. Used by the build (src/io) and by the installed
# package config, since a static ttnn_io hands these to its consumers' link line.
find_package(PkgConfig REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)

# Debian's libzip CMake package also insists on the zipcmp/zipmerge/ziptool programs (separate
# packages), so locate the library directly.
if(NOT TARGET libzip::zip)
  find_path(TTNN_LIBZIP_INCLUDE_DIR zip.h REQUIRED)
  find_library(TTNN_LIBZIP_LIBRARY NAMES zip REQUIRED)
  add_library(libzip::zip UNKNOWN IMPORTED GLOBAL)
  set_target_properties(libzip::zip PROPERTIES
    IMPORTED_LOCATION "${TTNN_LIBZIP_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${TTNN_LIBZIP_INCLUDE_DIR}")
endif()
if(NOT TARGET PkgConfig::TTNN_LIBDEFLATE)  # CRC-32 of the zip entries read in place (PCLMUL: 5x zlib's)
  pkg_check_modules(TTNN_LIBDEFLATE REQUIRED IMPORTED_TARGET GLOBAL libdeflate)
endif()
if(NOT TARGET PkgConfig::TTNN_LIBJPEG)
  pkg_check_modules(TTNN_LIBJPEG REQUIRED IMPORTED_TARGET GLOBAL libjpeg)
endif()
if(NOT TARGET PkgConfig::TTNN_SPNG)
  pkg_check_modules(TTNN_SPNG REQUIRED IMPORTED_TARGET GLOBAL spng)
endif()
if(NOT TARGET PkgConfig::TTNN_GVC)
  pkg_check_modules(TTNN_GVC REQUIRED IMPORTED_TARGET GLOBAL libgvc)
endif()
