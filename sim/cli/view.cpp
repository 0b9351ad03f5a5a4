// `expoflow view`: a results folder as a self-contained page (index.html) with the site map.
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "output/view.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

CLI::App* add_view_command(CLI::App& app, ViewOptions& o) {
  auto* view = app.add_subcommand("view", "Write a results folder's site map and tables as one page that opens from disk");
  view->add_option("results", o.results, "Folder of a run or a compare (with site.json)")->required();
  view->add_option("--out,-o", o.out, "Output folder (default RESULTS/view)");
  return view;
}

int run_view(const ViewOptions& o) {
  const fs::path out = o.out.empty() ? fs::path(o.results) / "view" : fs::path(o.out);
  try {
    const std::string page = output::view_page(output::view_data(o.results));
    fs::create_directories(out);
    support::write_atomically(out / "index.html", page);
    std::cout << fmt::format("wrote {} ({:.1f} MB); open it in a browser\n", (out / "index.html").string(),
                             static_cast<double>(page.size()) / 1e6);
  } catch (const std::exception& e) {
    std::cerr << "expoflow: " << e.what() << "\n";
    return kBadInput;
  }
  return 0;
}

}  // namespace expoflow::cli
