#pragma once
// The model speaks the scenario's vocabulary: its definitions (Scenario, ClassDef, EventDef, ...)
// and kinds (Mode, RecordKind, PlaceKind, EventKind, ...) are used unqualified in model code.
#include "scenario/scenario.hpp"

namespace expoflow::model {
using namespace expoflow::scenario;
}  // namespace expoflow::model
