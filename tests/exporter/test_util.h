// Helpers shared by the exporter unit tests: fixture files and lookups in an exposition text.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(RCS_EXPORTER_FIXTURES) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The sample line of `name{labels}` (exact label text) in an exposition, or "" if absent.
inline std::string SampleValue(const std::string& text, const std::string& series) {
  size_t pos = 0;
  while ((pos = text.find(series + " ", pos)) != std::string::npos) {
    if (pos == 0 || text[pos - 1] == '\n') {
      size_t eol = text.find('\n', pos);
      return text.substr(pos + series.size() + 1, eol - pos - series.size() - 1);
    }
    pos += series.size();
  }
  return "";
}

inline bool HasFamily(const std::string& text, const std::string& name) {
  return text.find("# TYPE " + name + " ") != std::string::npos;
}

inline int CountLinesStartingWith(const std::string& text, const std::string& prefix) {
  int n = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    if (text.compare(pos, prefix.size(), prefix) == 0) ++n;
    pos = eol + 1;
  }
  return n;
}
