#include "launch/git_config.hpp"

#include <cctype>
#include <string_view>

namespace sbx {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_continued(std::string_view line) {
  // A value continues on the next line when the line ends with an odd run of '\'.
  size_t n = 0;
  while (n < line.size() && line[line.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

// The section name of a header "[http \"url\"]", "[http.url]" or "[HTTP]": "http".
std::string section_of(std::string_view header) {
  size_t i = 0;
  while (i < header.size() && (std::isalnum(static_cast<unsigned char>(header[i])) || header[i] == '-')) ++i;
  return lower(header.substr(0, i));
}

// The key at the start of `s` (after blanks), lower-cased: "extraHeader = x" -> "extraheader".
std::string key_of(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  size_t e = b;
  while (e < s.size() && (std::isalnum(static_cast<unsigned char>(s[e])) || s[e] == '-')) ++e;
  return lower(s.substr(b, e - b));
}

}  // namespace

std::string strip_url_credentials(const std::string& value) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t sep = value.find("://", pos);
    if (sep == std::string::npos) break;
    size_t scheme_start = sep;
    while (scheme_start > pos && (std::isalnum(static_cast<unsigned char>(value[scheme_start - 1])) ||
                                  value[scheme_start - 1] == '+' || value[scheme_start - 1] == '-' ||
                                  value[scheme_start - 1] == '.'))
      --scheme_start;
    std::string scheme = lower(std::string_view(value).substr(scheme_start, sep - scheme_start));
    size_t auth = sep + 3, end = auth;
    while (end < value.size() && value[end] != '/' && value[end] != '?' && value[end] != '#' && value[end] != '"' &&
           value[end] != ' ' && value[end] != '\t')
      ++end;
    out.append(value, pos, auth - pos);
    size_t at = std::string_view(value).substr(auth, end - auth).rfind('@');
    if (at == std::string::npos) {
      out.append(value, auth, end - auth);
    } else {
      std::string_view userinfo = std::string_view(value).substr(auth, at);
      bool web = scheme == "http" || scheme == "https";
      size_t colon = userinfo.find(':');
      if (!web && colon != std::string_view::npos) out.append(userinfo.substr(0, colon)).append("@");
      else if (!web) out.append(userinfo).append("@");
      out.append(value, auth + at + 1, end - auth - at - 1);
    }
    pos = end;
  }
  out.append(value, pos, std::string::npos);
  return out;
}

std::string sanitize_git_config(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  std::string section;
  bool dropping = false;  // inside a dropped value's continuation lines
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::string_view line(text.data() + pos, end - pos);
    pos = end;
    std::string_view body = line;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    if (dropping) {
      dropping = ends_continued(body);
      continue;
    }
    size_t b = 0;
    while (b < body.size() && (body[b] == ' ' || body[b] == '\t')) ++b;
    std::string_view rest = body.substr(b);
    if (!rest.empty() && rest[0] == '[') {
      // A header, possibly followed by a key on the same line ("[http] extraheader = x").
      size_t close = std::string_view::npos;
      bool quoted = false;
      for (size_t i = 1; i < rest.size(); ++i) {
        if (rest[i] == '\\' && quoted) ++i;
        else if (rest[i] == '"') quoted = !quoted;
        else if (rest[i] == ']' && !quoted) {
          close = i;
          break;
        }
      }
      section = section_of(rest.substr(1));
      if (close != std::string_view::npos && section == "http" && key_of(rest.substr(close + 1)) == "extraheader") {
        std::string kept(line.substr(0, b + close + 1));
        out += strip_url_credentials(kept) + "\n";
        dropping = ends_continued(body);
        continue;
      }
    } else if (section == "http" && key_of(rest) == "extraheader") {
      dropping = ends_continued(body);
      continue;
    }
    out += strip_url_credentials(std::string(line));
  }
  return out;
}

std::vector<GitConfigPath> git_config_paths(const std::string& text) {
  std::vector<GitConfigPath> out;
  std::string section;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    std::string_view body(text.data() + pos, end - pos);
    pos = end + 1;
    while (!body.empty() && (body.back() == '\r' || body.back() == ' ' || body.back() == '\t')) body.remove_suffix(1);
    size_t b = 0;
    while (b < body.size() && (body[b] == ' ' || body[b] == '\t')) ++b;
    std::string_view rest = body.substr(b);
    if (!rest.empty() && rest[0] == '[') {
      size_t close = rest.find(']');
      section = section_of(rest.substr(1));
      if (close == std::string_view::npos) continue;
      rest = rest.substr(close + 1);  // a key may follow on the same line
      while (!rest.empty() && (rest[0] == ' ' || rest[0] == '\t')) rest.remove_prefix(1);
      if (rest.empty()) continue;
    }
    std::string key = key_of(rest);
    bool include = (section == "include" || section == "includeif") && key == "path";
    bool hooks = section == "core" && key == "hookspath";
    if (!include && !hooks) continue;
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view v = rest.substr(eq + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    if (!v.empty() && v.front() == '"') {  // "quoted", then perhaps a comment
      size_t q = v.find('"', 1);
      v = v.substr(1, q == std::string_view::npos ? std::string_view::npos : q - 1);
    } else {
      v = v.substr(0, v.find_first_of("#;"));
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    }
    if (v.empty()) continue;
    out.push_back({include ? GitConfigPath::kInclude : GitConfigPath::kHooks, std::string(v)});
  }
  return out;
}

}  // namespace sbx
