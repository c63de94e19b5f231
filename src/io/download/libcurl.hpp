// libcurl, loaded when the first download starts rather than when the program starts: linking it pulls
// in some thirty libraries (TLS, Kerberos, LDAP, SSH, ...) whose loading cost every run about 3 ms of
// its time to first result, downloads or not. The functions keep libcurl's own types (decltype).
#pragma once

#include <curl/curl.h>

namespace ttnn::io::detail {

struct Libcurl {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
};

// The loaded library, curl_global_init done once. Throws DownloadError (Kind::Network) naming the
// library and how to install it when it cannot be loaded or initialised.
const Libcurl& libcurl();
// The same from the library `soname` (libcurl() loads libcurl.so.4 once; tests name others).
Libcurl load_libcurl(const char* soname);

}  // namespace ttnn::io::detail
