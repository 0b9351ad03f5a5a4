// `expoflow view`: a results folder as one self-contained page (index.html): the site map replayed
// bin by bin, each place's time series, the headroom and observed-vs-simulated tables. Plain
// JavaScript and SVG, the data inlined: it opens from disk with no server and no network.
#pragma once

#include <filesystem>
#include <string>

namespace expoflow::output {

// The data of the page, as JSON, from a run's folder (site.json, summary.json, series.csv,
// headroom.csv) or a compare folder (site.json, comparison.json,
// comparison_bins.csv). Throws std::runtime_error naming what is missing or unusable.
std::string view_data(const std::filesystem::path& dir);
// The page with `data` (view_data's) inlined.
std::string view_page(const std::string& data);

}  // namespace expoflow::output
