// The static part of report.html: markup, style and the script that draws the page from
// its embedded data. report.cpp fills the two placeholders.
#pragma once

namespace dgen::train {

// Contains "@DATA@" (a JSON object, safe inside <script>) and "@AUDIO@" (the players).
extern const char* const kReportPage;

}  // namespace dgen::train
