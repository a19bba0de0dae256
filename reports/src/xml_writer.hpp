#pragma once
// A small XML writer: elements opened and closed by scope, text escaped, and characters that
// XML 1.0 forbids replaced, so any message (an adapter's stderr, say) makes valid XML.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace gradfuzz::detail {

class XmlWriter {
 public:
  explicit XmlWriter(std::ostream& out);
  ~XmlWriter();

  /// Opens an element; attributes are added until the first child or text.
  class Element {
   public:
    Element(XmlWriter& writer, std::string_view name);
    ~Element();
    Element(const Element&) = delete;
    Element& operator=(const Element&) = delete;
    Element& attribute(std::string_view name, std::string_view value);
    Element& text(std::string_view text);

   private:
    XmlWriter& writer_;
  };

  /// Escapes & < > " ' and replaces characters XML 1.0 forbids (controls other than tab, LF,
  /// CR; invalid UTF-8) with U+FFFD.
  static std::string escape(std::string_view text);

 private:
  void close_start_tag();
  std::ostream& out_;
  std::vector<std::string> open_;
  bool start_tag_open_ = false;
  bool has_children_ = false;
};

}  // namespace gradfuzz::detail
