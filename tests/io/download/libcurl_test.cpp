// libcurl is loaded on the first download: a library that is missing, or is not libcurl, stops with a
// DownloadError naming it, how to install it and how to pass the weights instead.
#include <gtest/gtest.h>

#include <string>

#include "io/download/libcurl.hpp"
#include "ttnn/io/download.hpp"

namespace ttnn::io::detail {
namespace {

std::string load_error(const char* soname) {
  try {
    load_libcurl(soname);
  } catch (const DownloadError& error) {
    EXPECT_EQ(error.kind(), DownloadError::Kind::Network);
    return error.what();
  }
  ADD_FAILURE() << soname << " loaded as libcurl";
  return {};
}

TEST(Libcurl, AMissingLibraryNamesItAndTheWayAround) {
  const std::string message = load_error("libcurl-missing.so.99");
  EXPECT_NE(message.find("cannot use libcurl-missing.so.99"), std::string::npos) << message;
  EXPECT_NE(message.find("apt install libcurl4"), std::string::npos) << message;
  EXPECT_NE(message.find("--weights FILE"), std::string::npos) << message;
}

TEST(Libcurl, ALibraryWithoutCurlsSymbolsIsRefused) {
  const std::string message = load_error("libm.so.6");  // loads, but has no curl_global_init
  EXPECT_NE(message.find("has no symbol curl_global_init"), std::string::npos) << message;
  EXPECT_NE(message.find("--weights FILE"), std::string::npos) << message;
}

TEST(Libcurl, TheInstalledLibraryLoads) {
  const Libcurl& curl = libcurl();
  EXPECT_NE(curl.easy_init, nullptr);
  EXPECT_NE(curl.easy_perform, nullptr);
}

}  // namespace
}  // namespace ttnn::io::detail
