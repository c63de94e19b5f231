// SVG charts of the ops perf report, written by hand: a small writer of rect/text/line elements with
// escaped text, and the seed's figures (kernel duration per conv layer, op-type share, and side-by-side
// comparisons of two configurations). Every data bar is a <rect class="bar"> with a <title> tooltip.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mobilenetv2/report/ops_report.hpp"

namespace mobilenetv2::report {

// Escapes &, <, >, " and ' for XML text and attribute values; drops control characters XML 1.0 forbids.
std::string escape_xml(std::string_view text);

class SvgWriter {
 public:
  SvgWriter(double width, double height);
  void rect(double x, double y, double width, double height, std::string_view fill, std::string_view css_class = {},
            std::string_view tooltip = {});
  // anchor: "start", "middle" or "end"; rotate: degrees about (x, y).
  void text(double x, double y, std::string_view content, double size = 12, std::string_view anchor = "start",
            double rotate = 0, std::string_view weight = "normal");
  void line(double x1, double y1, double x2, double y2, std::string_view stroke = "#888", double stroke_width = 1);
  void circle(double x, double y, double radius, std::string_view fill, std::string_view css_class = {},
              std::string_view tooltip = {});
  // An open line through the points (x0, y0, x1, y1, ...).
  void polyline(const std::vector<double>& points, std::string_view stroke, double stroke_width = 1.5);
  // The document, closed.
  std::string str() const;

 private:
  double width_, height_;
  std::string body_;
};

// A bar per category for each series (one series: plain bars; two: side-by-side bars), with a value axis.
struct BarSeries {
  std::string name;
  std::vector<double> values;  // one per category
};
std::string bar_chart_svg(std::string_view title, std::string_view value_label, const std::vector<std::string>& categories,
                          const std::vector<BarSeries>& series);

// Kernel duration [us] per conv layer (one bar per layer), one or two configurations.
std::string conv_kernel_duration_svg(const std::vector<const ProfiledRun*>& runs);
// Per-layer PCC vs the reference, one line per configuration with a <circle class="mark"> per layer; the
// value axis counts nines (-log10(1 - PCC)), so 0.99 and 0.9999 are as far apart as 0.9 and 0.999.
struct LayerPccSeries {
  std::string name;
  std::vector<double> pcc;  // one per layer
};
std::string layer_pcc_svg(std::string_view title, const std::vector<std::string>& layers,
                          const std::vector<LayerPccSeries>& series);

// Share of the kernel time per op type (horizontal bars with percentages), one or two configurations.
std::string op_type_share_svg(const std::vector<const ProfiledRun*>& runs);

}  // namespace mobilenetv2::report
