#include "io/download/libcurl.hpp"

#include <dlfcn.h>

#include <string>

#include "ttnn/io/download.hpp"

namespace ttnn::io::detail {
namespace {

constexpr const char* kLibrary = "libcurl.so.4";  // the soname of every libcurl since 7.16

[[noreturn]] void unavailable(const char* soname, const std::string& why) {
  throw DownloadError(DownloadError::Kind::Network,
                      std::string("download: cannot use ") + soname + ": " + why +
                          " (Debian: apt install libcurl4). Download the file elsewhere and pass it with --weights FILE.");
}

template <class Function>
void resolve(const char* soname, void* library, Function& function, const char* name) {
  void* address = ::dlsym(library, name);
  if (address == nullptr) unavailable(soname, std::string("it has no symbol ") + name);
  function = reinterpret_cast<Function>(address);
}

}  // namespace

Libcurl load_libcurl(const char* soname) {
  void* library = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);  // kept open for the process's lifetime
  if (library == nullptr) unavailable(soname, ::dlerror());
  Libcurl curl{};
  resolve(soname, library, curl.global_init, "curl_global_init");
  resolve(soname, library, curl.easy_strerror, "curl_easy_strerror");
  resolve(soname, library, curl.easy_init, "curl_easy_init");
  resolve(soname, library, curl.easy_cleanup, "curl_easy_cleanup");
  resolve(soname, library, curl.easy_setopt, "curl_easy_setopt");
  resolve(soname, library, curl.easy_getinfo, "curl_easy_getinfo");
  resolve(soname, library, curl.easy_perform, "curl_easy_perform");
  const CURLcode code = curl.global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) unavailable(soname, std::string("initialisation failed: ") + curl.easy_strerror(code));
  return curl;
}

const Libcurl& libcurl() {
  static const Libcurl curl = load_libcurl(kLibrary);  // a failed load throws and is retried by the next call
  return curl;
}

}  // namespace ttnn::io::detail
