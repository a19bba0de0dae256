#include "gradfuzz/reports/json_reporter.hpp"

#include "gradfuzz/detail/utf8.hpp"
#include "json_codec.hpp"

namespace gradfuzz {
namespace {

// JSON is UTF-8, and nlohmann's writer throws on anything else: a byte from outside that is not
// UTF-8 (an adapter command written in latin-1, a formula file, ...) is written as \xNN instead,
// so the report is always written. The tree is gradfuzz's own, a few levels deep.
void make_utf8(nlohmann::ordered_json& j) {
  if (j.is_string()) {
    auto& text = j.get_ref<std::string&>();
    text = detail::utf8_escaped(text);
  } else if (j.is_object()) {
    // Keys are gradfuzz's (field and quantity names), never text from outside.
    for (auto& [key, value] : j.items()) make_utf8(value);
  } else if (j.is_array()) {
    for (auto& value : j) make_utf8(value);
  }
}

}  // namespace

void JsonReporter::report(const RunResult& run) {
  nlohmann::ordered_json document = detail::to_json(run);
  make_utf8(document);
  out_ << document.dump(2) << '\n';
}

}  // namespace gradfuzz
