// write_graph_svg: lays the DOT source out and renders SVG in process with Graphviz' libgvc.
#include <graphviz/gvc.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <system_error>

#include "core/check.hpp"
#include "ttnn/io/graph_export.hpp"

namespace ttnn::io {
namespace {

// Graphviz keeps global state (its error handler, the plugin registry): one call at a time.
std::mutex graphviz_mutex;
std::string* graphviz_messages = nullptr;  // where the error handler collects, while the mutex is held

int collect_graphviz_message(char* message) {
  if (graphviz_messages && message) *graphviz_messages += message;
  return 0;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? std::string("(Graphviz gave no message)") : text;
}

// Restores Graphviz' default error reporting and frees the context and graph however we leave.
class GraphvizSession {
 public:
  GraphvizSession() {
    graphviz_messages = &messages;
    previous_ = agseterrf(collect_graphviz_message);
  }
  ~GraphvizSession() {
    if (graph) {
      if (laid_out) gvFreeLayout(context, graph);
      agclose(graph);
    }
    if (context) gvFreeContext(context);
    agseterrf(previous_);
    graphviz_messages = nullptr;
  }
  GraphvizSession(const GraphvizSession&) = delete;
  GraphvizSession& operator=(const GraphvizSession&) = delete;

  std::string messages;
  GVC_t* context = nullptr;
  Agraph_t* graph = nullptr;
  bool laid_out = false;

 private:
  agusererrf previous_ = nullptr;
};

std::filesystem::path temporary_beside(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  std::filesystem::path name = "." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                               std::to_string(counter.fetch_add(1));
  return path.parent_path() / name;
}

}  // namespace

void write_graph_svg(const model::Graph& graph, const std::filesystem::path& path, const GraphAnnotations* annotations) {
  check(!path.empty() && !path.filename().empty(), "write_graph_svg: no file name in '{}'", path.string());
  const std::filesystem::path directory = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  check(std::filesystem::is_directory(directory), "write_graph_svg: cannot write '{}': '{}' is not a directory",
        path.string(), directory.string());
  const std::string dot = graph_to_dot(graph, annotations);
  const std::filesystem::path temporary = temporary_beside(path);

  std::lock_guard lock(graphviz_mutex);
  GraphvizSession session;
  session.context = gvContext();
  check<Error>(session.context != nullptr, "write_graph_svg: Graphviz could not create a context: {}",
               trimmed(session.messages));
  session.graph = agmemread(dot.c_str());
  check<Error>(session.graph != nullptr, "write_graph_svg: Graphviz rejected the DOT source: {}",
               trimmed(session.messages));
  if (gvLayout(session.context, session.graph, "dot") != 0)
    fail<Unsupported>("write_graph_svg: Graphviz' 'dot' layout failed: {} (is the graphviz package with its "
                      "plugins installed? `dot -c` registers them)",
                      trimmed(session.messages));
  session.laid_out = true;
  if (gvRenderFilename(session.context, session.graph, "svg", temporary.c_str()) != 0) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    fail<Error>("write_graph_svg: Graphviz could not render SVG to '{}': {}", temporary.string(),
                trimmed(session.messages));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    fail<Error>("write_graph_svg: cannot move '{}' to '{}': {}", temporary.string(), path.string(), error.message());
  }
}

}  // namespace ttnn::io
