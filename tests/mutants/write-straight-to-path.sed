# file: sim/support/files.cpp
# function: write_temporary
# bug: result files are written straight to their final path, no temporary and rename
/^fs::path write_temporary(/,/^}/ s|const fs::path tmp = beside(path, "tmp");|const fs::path tmp = path;|
