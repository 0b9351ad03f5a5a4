#pragma once
// The model speaks the scenario's vocabulary and the record stream's: the scenario's definitions
// (Scenario, ClassDef, EventDef, ...) and kinds (Mode, RecordKind, PlaceKind, EventKind, ...), and
// the observe layer's records, places and Recorder, are used unqualified in model code.
#include "observe/recorder.hpp"
#include "observe/records.hpp"
#include "scenario/scenario.hpp"

namespace expoflow::model {
using namespace expoflow::scenario;
using namespace expoflow::observe;
}  // namespace expoflow::model
