// Memory planning: sizes every buffer from shapes in one place, places persistent
// buffers one after another and transient ones first-fit by lifetime, then checks that
// no two buffers that are live at the same time overlap (DESIGN §3.1).
#pragma once

namespace dgen {
struct Schedule;
void plan_memory(Schedule& s);
void check_no_overlap(const Schedule& s);  // throws std::logic_error
}  // namespace dgen
