# file: sim/model/simulation.cpp
# function: LayoutBuilder::walkways
# bug: a walkway holds one person more than area x storage density
/^  void walkways() {/,/^  }/ s|std::max(1.0, std::floor(area \* s.storage_density))|std::max(1.0, std::floor(area * s.storage_density) + 1)|
