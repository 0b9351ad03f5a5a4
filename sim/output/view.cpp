#include "output/view.hpp"

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/text.hpp"

namespace expoflow::output {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json read_json(const fs::path& file) {
  try {
    return json::parse(read_text(file));
  } catch (const json::exception& e) {
    throw std::runtime_error(fmt::format("{} is not valid JSON: {}", file.string(), e.what()));
  }
}

// A CSV file without quoted fields (the result files): calls row(columns, fields) for every row.
struct Csv {
  std::map<std::string, std::size_t> column;
  std::vector<std::vector<std::string>> rows;
  explicit Csv(const fs::path& file) {
    std::istringstream in(read_text(file));
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
      std::vector<std::string> fields;
      std::size_t start = 0;
      for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
        fields.push_back(line.substr(start, comma - start));
      fields.push_back(line.substr(start));
      if (header) {
        for (std::size_t i = 0; i < fields.size(); ++i) column[fields[i]] = i;
        header = false;
      } else if (!line.empty()) {
        rows.push_back(std::move(fields));
      }
    }
  }
  std::size_t at(const std::string& name, const fs::path& file) const {
    const auto it = column.find(name);
    if (it == column.end()) throw std::runtime_error(fmt::format("{} has no column '{}'", file.string(), name));
    return it->second;
  }
};

double number(const std::string& text) { return text.empty() ? 0.0 : std::stod(text); }

// Series of the places by name, bin by bin; a series that is zero in every bin is left out.
using Series = std::map<std::string, std::vector<double>>;

void fill(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& columns,
          std::map<std::string, Series>& series, double bin_s, std::size_t bins) {
  const Csv csv(file);
  const std::size_t place = csv.at("place", file), start = csv.at("bin_start_s", file);
  std::vector<std::size_t> at;
  for (const auto& c : columns) at.push_back(csv.at(c.first, file));
  for (const auto& row : csv.rows) {
    const auto it = series.find(row.at(place));
    if (it == series.end()) continue;
    const auto b = static_cast<std::size_t>(number(row.at(start)) / bin_s);
    if (b >= bins) continue;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto& s = it->second[columns[i].second];
      if (s.empty()) s.assign(bins, 0.0);
      s[b] = number(row.at(at[i]));  // already to three significant digits
    }
  }
}

json series_json(const Series& s) {
  json out = json::object();
  for (const auto& [name, values] : s) {
    bool any = false;
    for (double v : values) any = any || v != 0;
    if (any) out[name] = values;
  }
  return out;
}

}  // namespace

std::string view_data(const fs::path& dir) {
  if (!fs::exists(dir / "site.json"))
    throw std::runtime_error(fmt::format("{} has no site.json: run `expoflow run` (or `compare`) of this version again",
                                         dir.string()));
  json site = read_json(dir / "site.json");
  if (!site.value("positioned", false))
    throw std::runtime_error(fmt::format("the scenario of {} gives its nodes no positions: add x_m and y_m to every "
                                         "[[node]] to draw its map",
                                         dir.string()));
  const double bin_s = site.at("bin_s").get<double>();
  const auto bins = static_cast<std::size_t>(std::ceil(site.at("horizon_s").get<double>() / bin_s));
  std::map<std::string, Series> series;
  for (const auto& p : site.at("places")) series[p.at("id").get<std::string>()];
  json data;
  data["bin_s"] = bin_s;
  data["bins"] = bins;
  data["days"] = site.at("days");
  data["start_date"] = site.value("start_date", "");  // day 1's date: the clock reads "Fri 8 Nov 17:15"
  data["fruin"] = site.at("fruin");
  const bool compare = fs::exists(dir / "comparison_bins.csv");
  data["mode"] = compare ? "compare" : "run";
  if (compare) {
    const json c = read_json(dir / "comparison.json");
    data["title"] = c.value("title", site.value("title", ""));
    data["windows"] = json::array();
    for (const auto& w : c.value("windows", json::array()))
      data["windows"].push_back({{"event", w.value("event", "")}, {"from_s", w.value("from_s", 0.0)}, {"to_s", w.value("to_s", 0.0)}});
    // Per place and metric: base, variant, difference and its interval (lo, hi: null where none).
    const fs::path file = dir / "comparison_bins.csv";
    const Csv csv(file);
    const std::size_t place = csv.at("place", file), metric = csv.at("metric", file), start = csv.at("bin_start_s", file);
    const std::size_t base = csv.at("base_mean", file), variant = csv.at("variant_mean", file),
                      diff = csv.at("diff_mean", file), lo = csv.at("diff_ci95_lo", file),
                      hi = csv.at("diff_ci95_hi", file);
    for (const auto& row : csv.rows) {
      const auto it = series.find(row.at(place));
      if (it == series.end()) continue;
      const auto b = static_cast<std::size_t>(number(row.at(start)) / bin_s);
      if (b >= bins) continue;
      const std::string& m = row.at(metric);
      for (const auto& [suffix, col] : {std::pair{".b", base}, {".v", variant}, {".d", diff}, {".lo", lo}, {".hi", hi}}) {
        auto& s = it->second[m + suffix];
        if (s.empty()) s.assign(bins, suffix[1] == 'l' || suffix[1] == 'h' ? NAN : 0.0);
        s[b] = row.at(col).empty() ? NAN : support::three_significant(number(row.at(col)));
      }
    }
  } else {
    const json summary = read_json(dir / "summary.json");
    data["title"] = summary.value("title", site.value("title", ""));
    if (!fs::exists(dir / "series.csv"))
      throw std::runtime_error(fmt::format("{} has no series.csv: run `expoflow run` of this version again", dir.string()));
    // Each series and the half-width of its 95% interval over the replications (".ci").
    fill(dir / "series.csv",
         {{"queue_mean", "q"}, {"queue_ci95", "q.ci"}, {"occupancy_mean", "o"}, {"occupancy_ci95", "o.ci"},
          {"served", "f"}, {"served_ci95", "f.ci"}, {"wait_p50_s", "w50"}, {"wait_p50_ci95", "w50.ci"},
          {"wait_p95_s", "w95"}, {"wait_p95_ci95", "w95.ci"}},
         series, bin_s, bins);
    data["observations"] = json::array();
    for (const auto& o : summary.value("observations", json::array()))
      data["observations"].push_back({{"name", o.value("name", "")},
                                      {"observed", o.value("observed_text", "")},
                                      {"simulated", o.value("simulated_text", "")},
                                      {"ci95", o.value("simulated_ci95_text", json::array())},
                                      {"residual", o.value("residual_text", "")},
                                      {"within", o.value("within", false)}});
    data["headroom"] = fs::exists(dir / "headroom.csv") ? read_text(dir / "headroom.csv") : "";
  }
  json places = json::array();
  for (const auto& p : site.at("places")) {
    json q = p;
    for (const char* k : {"capacity", "area_m2", "width_m"})
      if (q.contains(k)) q[k] = support::three_significant(q[k].get<double>());
    q["s"] = series_json(series[p.at("id").get<std::string>()]);
    places.push_back(q);
  }
  data["places"] = places;
  data["nodes"] = site.at("nodes");
  // NaN (no interval) is written as null.
  return data.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace expoflow::output
