#include "support/oracle.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace ttnn::test {

ttnn::io::NpyArray OracleCase::array(std::string_view role) const {
  const auto it = arrays.find(role);
  if (it == arrays.end()) {
    std::string roles;
    for (const auto& [key, file] : arrays) roles += (roles.empty() ? "" : ", ") + key;
    throw std::runtime_error("oracle case '" + name + "' (" + op + ") has no array '" + std::string(role) +
                             "' (it has: " + roles + ")");
  }
  return ttnn::io::read_npy(dir / it->second);
}

std::vector<float> OracleCase::floats(std::string_view role) const { return array(role).to_float32(); }

std::vector<uint64_t> OracleCase::shape(std::string_view role) const { return array(role).shape; }

std::filesystem::path generated_data_dir(const char* env_var, std::string_view kind, std::string_view generator) {
  const std::string command = "scripts/cached_generate.sh " + std::string(kind) + " " + std::string(generator);
  const char* env = std::getenv(env_var);
  if (env == nullptr || *env == '\0')
    throw std::runtime_error(std::string(env_var) + " is not set: run this test through ctest (the " + std::string(kind) +
                             "_generate fixture sets it up), or set it to the directory `" + command + "` prints");
  const std::filesystem::path dir(env);
  if (!std::filesystem::exists(dir / "COMPLETE"))
    throw std::runtime_error(std::string(env_var) + "='" + dir.string() + "' holds no complete set (no COMPLETE file): run `" +
                             command + "` or ctest -R " + std::string(kind) + "_generate; if " + std::string(generator) +
                             " changed, reconfigure with cmake");
  return dir;
}

std::filesystem::path oracle_dir() { return generated_data_dir("TTNN_ORACLE_DIR", "oracle", "tests/oracle/generate.py"); }

std::vector<OracleCase> oracle_cases(std::string_view op) {
  const auto dir = oracle_dir();
  const auto manifest_path = dir / "manifest.json";
  std::ifstream in(manifest_path);
  if (!in) throw std::runtime_error("cannot open the oracle manifest '" + manifest_path.string() + "'");
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("malformed oracle manifest '" + manifest_path.string() + "': " + e.what());
  }
  std::vector<OracleCase> cases;
  try {
    for (const auto& entry : manifest.at("cases")) {
      if (entry.at("op").get<std::string>() != op) continue;
      OracleCase c;
      c.name = entry.at("name").get<std::string>();
      c.op = entry.at("op").get<std::string>();
      c.params = entry.at("params");
      for (const auto& [role, file] : entry.at("arrays").items()) c.arrays.emplace(role, file.get<std::string>());
      c.dir = dir;
      cases.push_back(std::move(c));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("malformed oracle manifest '" + manifest_path.string() + "': " + e.what());
  }
  if (cases.empty())
    throw std::runtime_error("the oracle manifest '" + manifest_path.string() + "' has no case with op '" +
                             std::string(op) + "'");
  return cases;
}

}  // namespace ttnn::test
