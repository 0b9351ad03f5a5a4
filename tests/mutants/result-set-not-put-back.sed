# file: sim/support/files.cpp
# function: write_set_atomically
# bug: when a rename fails half-way through a result set, the files already replaced are not put back
/^void write_set_atomically(/,/^}/ s|if (existed\[j\]) ::rename(kept\[j\].c_str(), files\[j\].first.c_str());|if (false) ::rename(kept[j].c_str(), files[j].first.c_str());|
