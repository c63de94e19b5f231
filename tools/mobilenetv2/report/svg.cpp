#include "mobilenetv2/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace mobilenetv2::report {
namespace {

const char* const kColors[] = {"#3b75af", "#ef8636", "#519e3e", "#c53a32"};

std::string number(double value) { return fmt::format("{:.2f}", value); }

// A round axis maximum (1, 2 or 5 times a power of ten) at or above `value`.
double nice_max(double value) {
  if (!(value > 0)) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 5.0, 10.0})
    if (step * power >= value) return step * power;
  return 10 * power;
}

std::string format_value(double value) {
  if (value == 0) return "0";
  if (std::fabs(value) >= 100) return fmt::format("{:.0f}", value);
  if (std::fabs(value) >= 10) return fmt::format("{:.1f}", value);
  return fmt::format("{:.2f}", value);
}

}  // namespace

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

SvgWriter::SvgWriter(double width, double height) : width_(width), height_(height) {}

void SvgWriter::rect(double x, double y, double width, double height, std::string_view fill, std::string_view css_class,
                     std::string_view tooltip) {
  body_ += fmt::format(R"svg(<rect x="{}" y="{}" width="{}" height="{}" fill="{}")svg", number(x), number(y),
                       number(std::max(0.0, width)), number(std::max(0.0, height)), escape_xml(fill));
  if (!css_class.empty()) body_ += fmt::format(R"svg( class="{}")svg", escape_xml(css_class));
  if (tooltip.empty()) {
    body_ += "/>\n";
  } else {
    body_ += fmt::format("><title>{}</title></rect>\n", escape_xml(tooltip));
  }
}

void SvgWriter::text(double x, double y, std::string_view content, double size, std::string_view anchor, double rotate,
                     std::string_view weight) {
  body_ += fmt::format(R"svg(<text x="{}" y="{}" font-size="{}" text-anchor="{}" font-weight="{}")svg", number(x), number(y),
                       number(size), escape_xml(anchor), escape_xml(weight));
  if (rotate != 0) body_ += fmt::format(R"svg( transform="rotate({} {} {})")svg", number(rotate), number(x), number(y));
  body_ += fmt::format(">{}</text>\n", escape_xml(content));
}

void SvgWriter::line(double x1, double y1, double x2, double y2, std::string_view stroke, double stroke_width) {
  body_ += fmt::format(R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>)svg", number(x1),
                       number(y1), number(x2), number(y2), escape_xml(stroke), number(stroke_width));
  body_ += "\n";
}

void SvgWriter::circle(double x, double y, double radius, std::string_view fill, std::string_view css_class,
                       std::string_view tooltip) {
  body_ += fmt::format(R"svg(<circle cx="{}" cy="{}" r="{}" fill="{}")svg", number(x), number(y), number(radius),
                       escape_xml(fill));
  if (!css_class.empty()) body_ += fmt::format(R"svg( class="{}")svg", escape_xml(css_class));
  body_ += tooltip.empty() ? std::string("/>\n") : fmt::format("><title>{}</title></circle>\n", escape_xml(tooltip));
}

void SvgWriter::polyline(const std::vector<double>& points, std::string_view stroke, double stroke_width) {
  std::string coordinates;
  for (size_t i = 0; i + 1 < points.size(); i += 2)
    coordinates += (coordinates.empty() ? "" : " ") + number(points[i]) + "," + number(points[i + 1]);
  body_ += fmt::format(R"svg(<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"/>)svg", coordinates,
                       escape_xml(stroke), number(stroke_width));
  body_ += "\n";
}

std::string SvgWriter::str() const {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\">\n"
      "<rect x=\"0\" y=\"0\" width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n{2}</svg>\n",
      number(width_), number(height_), body_);
}

std::string bar_chart_svg(std::string_view title, std::string_view value_label, const std::vector<std::string>& categories,
                          const std::vector<BarSeries>& series) {
  const double left = 80, right = 20, top = series.size() > 1 ? 70 : 50, bottom = 190, plot_height = 320;
  const double bar_width = series.size() > 1 ? 9 : 12, group_gap = 6;
  const double group_width = bar_width * double(std::max<size_t>(1, series.size())) + group_gap;
  const double plot_width = std::max(600.0, group_width * double(categories.size()));
  SvgWriter svg(left + plot_width + right, top + plot_height + bottom);
  svg.text(left + plot_width / 2, 26, title, 16, "middle", 0, "bold");

  double max_value = 0;
  for (const BarSeries& s : series)
    for (double v : s.values) max_value = std::max(max_value, v);
  const double axis_max = nice_max(max_value);
  const double base = top + plot_height;
  for (int tick = 0; tick <= 5; ++tick) {
    const double value = axis_max * tick / 5, y = base - plot_height * tick / 5;
    svg.line(left, y, left + plot_width, y, tick == 0 ? "#333" : "#ddd");
    svg.text(left - 6, y + 4, format_value(value), 11, "end");
  }
  svg.line(left, top, left, base, "#333");
  svg.text(22, top + plot_height / 2, value_label, 12, "middle", -90);

  for (size_t c = 0; c < categories.size(); ++c) {
    const double group_x = left + group_gap / 2 + group_width * double(c);
    for (size_t s = 0; s < series.size(); ++s) {
      const double value = c < series[s].values.size() ? series[s].values[c] : 0;
      const double height = axis_max > 0 ? plot_height * value / axis_max : 0;
      const std::string tooltip = series.size() > 1 ? fmt::format("{} ({}): {}", categories[c], series[s].name, format_value(value))
                                                    : fmt::format("{}: {}", categories[c], format_value(value));
      svg.rect(group_x + bar_width * double(s), base - height, bar_width - 1, height, kColors[s % 4], "bar", tooltip);
    }
    const double label_x = group_x + bar_width * double(series.size()) / 2;
    svg.text(label_x, base + 10, categories[c], 10, "end", -60);
  }
  if (series.size() > 1) {
    double x = left;
    for (size_t s = 0; s < series.size(); ++s) {
      svg.rect(x, 40, 12, 12, kColors[s % 4]);
      svg.text(x + 16, 50, series[s].name, 12);
      x += 30 + 8 * double(series[s].name.size());
    }
  }
  return svg.str();
}

std::string conv_kernel_duration_svg(const std::vector<const ProfiledRun*>& runs) {
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  for (const ProfiledRun* run : runs) {
    const auto layers = conv_layers(*run);
    BarSeries s{run->label, {}};
    for (size_t i = 0; i < layers.size(); ++i) {
      if (categories.size() <= i) categories.push_back(layers[i].module_path + " " + layers[i].description);
      s.values.push_back(layers[i].kernel_ns * 1e-3);
    }
    series.push_back(std::move(s));
  }
  std::string title = "Conv kernel duration per layer";
  if (runs.size() == 1) title += " (" + runs[0]->label + ")";
  else if (runs.size() == 2) title += ": " + runs[0]->label + " vs " + runs[1]->label;
  return bar_chart_svg(title, "kernel duration [us]", categories, series);
}

std::string op_type_share_svg(const std::vector<const ProfiledRun*>& runs) {
  // Categories: op codes in the first run's order (largest first), then any others.
  std::vector<std::string> codes;
  std::vector<std::map<std::string, double>> percent(runs.size());
  for (size_t r = 0; r < runs.size(); ++r) {
    const auto shares = op_type_shares(*runs[r]);
    double total = 0;
    for (const OpShare& share : shares) total += share.kernel_ns;
    for (const OpShare& share : shares) {
      if (std::find(codes.begin(), codes.end(), share.op_code) == codes.end()) codes.push_back(share.op_code);
      percent[r][share.op_code] = total > 0 ? 100.0 * share.kernel_ns / total : 0;
    }
  }
  const double left = 170, right = 90, top = runs.size() > 1 ? 70 : 50, bar_height = runs.size() > 1 ? 12 : 18;
  const double group_height = bar_height * double(std::max<size_t>(1, runs.size())) + 10, plot_width = 500;
  SvgWriter svg(left + plot_width + right, top + group_height * double(codes.size()) + 40);
  std::string title = "Share of kernel time per op type";
  if (runs.size() == 1) title += " (" + runs[0]->label + ")";
  else if (runs.size() == 2) title += ": " + runs[0]->label + " vs " + runs[1]->label;
  svg.text((left + plot_width + right) / 2, 26, title, 16, "middle", 0, "bold");
  for (size_t c = 0; c < codes.size(); ++c) {
    const double y = top + group_height * double(c);
    svg.text(left - 8, y + bar_height * double(runs.size()) / 2 + 4, codes[c], 12, "end");
    for (size_t r = 0; r < runs.size(); ++r) {
      const auto it = percent[r].find(codes[c]);
      const double value = it == percent[r].end() ? 0 : it->second;
      const double by = y + bar_height * double(r);
      svg.rect(left, by, plot_width * value / 100, bar_height - 1, kColors[r % 4], "bar",
               fmt::format("{} ({}): {:.1f}%", codes[c], runs[r]->label, value));
      svg.text(left + plot_width * value / 100 + 4, by + bar_height - 3, fmt::format("{:.1f}%", value), 10);
    }
  }
  svg.line(left, top - 4, left, top + group_height * double(codes.size()), "#333");
  if (runs.size() > 1) {
    double x = left;
    for (size_t r = 0; r < runs.size(); ++r) {
      svg.rect(x, 40, 12, 12, kColors[r % 4]);
      svg.text(x + 16, 50, runs[r]->label, 12);
      x += 30 + 8 * double(runs[r]->label.size());
    }
  }
  return svg.str();
}

}  // namespace mobilenetv2::report

namespace mobilenetv2::report {

std::string layer_pcc_svg(std::string_view title, const std::vector<std::string>& layers,
                          const std::vector<LayerPccSeries>& series) {
  static constexpr double kMaxNines = 7;  // PCC 0.9999999; closer to 1 (or exactly 1) is drawn at the top
  const auto nines = [](double pcc) {
    if (!(pcc < 1.0)) return kMaxNines;
    return std::clamp(-std::log10(1.0 - std::max(pcc, -1.0)), 0.0, kMaxNines);
  };
  const double left = 90, right = 260, top = 50, bottom = 170, plot_height = 360;
  const double step = 16, plot_width = std::max<double>(1, double(layers.size())) * step;
  SvgWriter svg(left + plot_width + right, top + plot_height + bottom);
  svg.text(left, 28, title, 16, "start", 0, "bold");
  const auto y_of = [&](double n) { return top + plot_height * (1 - n / kMaxNines); };
  for (int n = 0; n <= int(kMaxNines); ++n) {
    const double y = y_of(n);
    svg.line(left, y, left + plot_width, y, "#ddd");
    svg.text(left - 8, y + 4, n == 0 ? std::string("0") : "0." + std::string(size_t(n), '9'), 11, "end");
  }
  svg.text(24, top + plot_height / 2, "PCC vs float32 (nines)", 12, "middle", -90);
  for (size_t i = 0; i < layers.size(); ++i)
    svg.text(left + (double(i) + 0.5) * step, top + plot_height + 10, layers[i], 10, "end", -60);
  static constexpr std::string_view kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                                  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"};
  for (size_t s = 0; s < series.size(); ++s) {
    const std::string_view colour = kColours[s % std::size(kColours)];
    std::vector<double> points;
    for (size_t i = 0; i < series[s].pcc.size() && i < layers.size(); ++i) {
      points.push_back(left + (double(i) + 0.5) * step);
      points.push_back(y_of(nines(series[s].pcc[i])));
    }
    svg.polyline(points, colour);
    for (size_t i = 0; i + 1 < points.size(); i += 2)
      svg.circle(points[i], points[i + 1], 3, colour, "mark",
                 fmt::format("{} {}: PCC {:.7f}", series[s].name, layers[i / 2], series[s].pcc[i / 2]));
    const double legend_y = top + 14 + double(s) * 18;
    svg.rect(left + plot_width + 20, legend_y - 9, 12, 12, colour);
    svg.text(left + plot_width + 38, legend_y + 1, series[s].name, 11);
  }
  return svg.str();
}

}  // namespace mobilenetv2::report
