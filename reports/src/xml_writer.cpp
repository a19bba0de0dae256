#include "xml_writer.hpp"

namespace gradfuzz::detail {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] (0 if invalid).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  return n;
}

}  // namespace

XmlWriter::XmlWriter(std::ostream& out) : out_(out) {
  out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
}

XmlWriter::~XmlWriter() {
  out_ << '\n';
}

std::string XmlWriter::escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    const auto c = static_cast<unsigned char>(text[i]);
    if (n == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += n ? n : 1;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

void XmlWriter::close_start_tag() {
  if (start_tag_open_) out_ << '>';
  start_tag_open_ = false;
}

XmlWriter::Element::Element(XmlWriter& writer, std::string_view name) : writer_(writer) {
  writer_.close_start_tag();
  writer_.out_ << '\n' << std::string(2 * writer_.open_.size(), ' ') << '<' << name;
  writer_.open_.emplace_back(name);
  writer_.start_tag_open_ = true;
  writer_.has_children_ = false;
}

XmlWriter::Element::~Element() {
  const std::string name = writer_.open_.back();
  writer_.open_.pop_back();
  if (writer_.start_tag_open_) {
    writer_.out_ << "/>";
    writer_.start_tag_open_ = false;
  } else {
    if (writer_.has_children_) writer_.out_ << '\n' << std::string(2 * writer_.open_.size(), ' ');
    writer_.out_ << "</" << name << '>';
  }
  writer_.has_children_ = true;
}

XmlWriter::Element& XmlWriter::Element::attribute(std::string_view name, std::string_view value) {
  writer_.out_ << ' ' << name << "=\"" << escape(value) << '"';
  return *this;
}

XmlWriter::Element& XmlWriter::Element::text(std::string_view text) {
  writer_.close_start_tag();
  writer_.out_ << escape(text);
  return *this;
}

}  // namespace gradfuzz::detail
