#include "emulator/isa/assembler.h"

#include "core/text_lines.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace tokenfab::lpu {

namespace {

struct Token {
  std::string text;
  int col;
};

std::vector<Token> tokenize(const std::string& line) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == '#') break;
    if (line[i] == ' ' || line[i] == '\t') {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '#') ++i;
    out.push_back({line.substr(start, i - start), static_cast<int>(start) + 1});
  }
  return out;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return negative ? -v : v;
}

// "E3", "E3,E4", "E0..E7" (same direction, ascending), within `limit` streams.
std::optional<Streams> parse_streams(std::string_view s, int limit, std::string& error) {
  Streams out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t comma = s.find(',', pos);
    std::string_view part = s.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    auto dots = part.find("..");
    auto first = stream_named(part.substr(0, dots));
    auto last = dots == std::string_view::npos ? first : stream_named(part.substr(dots + 2));
    if (!first || !last || *last < *first || *first / kStreamsPerDirection != *last / kStreamsPerDirection) {
      error = "expected streams such as E3, E3,E4 or E0..E7, got '" + std::string(part) + "'";
      return std::nullopt;
    }
    for (int id = *first; id <= *last; ++id) {
      if (id % kStreamsPerDirection >= limit) {
        error = "stream " + stream_name(id) + " does not exist: the chip has " + std::to_string(limit) +
                " streams each way";
        return std::nullopt;
      }
      out.push_back(id);
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::string show(Field f, const Operand& v) {
  switch (field_kind(f)) {
    case FieldKind::integer:
      return std::to_string(std::get<std::int64_t>(v));
    case FieldKind::elem_type:
      return std::string(elem_type_name(std::get<ElemType>(v)));
    case FieldKind::streams: {
      const Streams& s = std::get<Streams>(v);
      std::string out;
      for (std::size_t i = 0; i < s.size();) {
        // Collapse runs of consecutive streams into ranges.
        std::size_t j = i;
        while (j + 1 < s.size() && s[j + 1] == s[j] + 1 &&
               s[j + 1] / kStreamsPerDirection == s[i] / kStreamsPerDirection) {
          ++j;
        }
        out += (out.empty() ? "" : ",") + stream_name(s[i]);
        if (j > i) out += ".." + stream_name(s[j]);
        i = j + 1;
      }
      return out;
    }
  }
  return "?";
}

class Assembler {
 public:
  Assembler(const std::string& file, const LpuParams& p, Diagnostics& diags) : file_(file), p_(p), diags_(diags) {}

  Program run(const std::string& text) {
    for_each_line(text, [&](int line_no, const std::string& line) {
      auto tokens = tokenize(line);
      if (tokens.empty()) return;  // a comment
      if (tokens[0].text[0] == '.') {
        directive(tokens, line_no);
      } else {
        instruction(tokens, line_no);
      }
    });
    if (program_.arch.empty()) diags_.error({file_, 1, 1}, "", "missing '.arch " + p_.name + "'");
    check_maps();
    return std::move(program_);
  }

 private:
  Location at(int line, int col) const { return {file_, line, col}; }

  void directive(const std::vector<Token>& t, int line) {
    if (t[0].text == ".arch") {
      if (t.size() != 2) return diags_.error(at(line, t[0].col), "", "expected '.arch <preset>'");
      program_.arch = t[1].text;  // even when wrong: one error is enough
      if (t[1].text != p_.name) {
        diags_.error(at(line, t[1].col), "",
                     "the program is for '" + t[1].text + "' but the chip is '" + p_.name + "'");
      }
      return;
    }
    if (t[0].text == ".queue") {
      if (t.size() != 2) return diags_.error(at(line, t[0].col), "", "expected '.queue <name>'");
      std::string error;
      auto id = parse_queue(t[1].text, p_, error);
      if (!id) {
        current_ = -1;
        return diags_.error(at(line, t[1].col), "", error);
      }
      auto it =
          std::find_if(program_.queues.begin(), program_.queues.end(), [&](const auto& q) { return q.id == *id; });
      if (it != program_.queues.end()) {
        current_ = -1;
        return diags_.error(at(line, t[1].col), "",
                            "queue " + t[1].text + " appears twice; give each queue one section");
      }
      program_.queues.push_back({*id, {}});
      current_ = static_cast<int>(program_.queues.size()) - 1;
      return;
    }
    if (t[0].text == ".map") return map(t, line);
    diags_.error(at(line, t[0].col), "", "unknown directive '" + t[0].text + "' (.arch, .queue, .map)");
  }

  // .map <id> <lane or a..b>...: a vector-wide map (permute) or a superlane
  // map (distribute, where -1 gives a zero).
  void map(const std::vector<Token>& t, int line) {
    if (t.size() < 3) return diags_.error(at(line, t[0].col), "", "expected '.map <id> <lanes...>'");
    auto id = parse_int(t[1].text);
    if (!id || *id < 0) return diags_.error(at(line, t[1].col), "", "expected a map id (an integer from 0)");
    if (program_.maps.contains(*id))
      return diags_.error(at(line, t[1].col), "", "map " + t[1].text + " is defined twice");
    std::vector<int> lanes;
    for (std::size_t i = 2; i < t.size(); ++i) {
      const auto dots = t[i].text.find("..");
      auto first = parse_int(t[i].text.substr(0, dots));
      auto last = dots == std::string::npos ? first : parse_int(t[i].text.substr(dots + 2));
      if (!first || !last || *first < -1 || *last < -1)
        return diags_.error(at(line, t[i].col), "", "expected a lane, -1 or a range a..b, got '" + t[i].text + "'");
      const std::int64_t step = *last >= *first ? 1 : -1;
      for (std::int64_t v = *first;; v += step) {
        lanes.push_back(static_cast<int>(v));
        if (v == *last || lanes.size() > static_cast<std::size_t>(p_.vector_bytes())) break;
      }
    }
    const auto n = static_cast<int>(lanes.size());
    if (n != p_.vector_bytes() && n != p_.lanes_per_superlane) {
      return diags_.error(at(line, t[0].col), "",
                          "a map has " + std::to_string(p_.vector_bytes()) + " lanes (permute) or " +
                              std::to_string(p_.lanes_per_superlane) + " (distribute) on " + p_.name + ", got " +
                              std::to_string(n));
    }
    for (int v : lanes) {
      if (v >= n) return diags_.error(at(line, t[0].col), "", "lane " + std::to_string(v) + " outside the map's lanes");
    }
    program_.maps[*id] = std::move(lanes);
  }

  // Every permute and distribute names a map of its kind.
  void check_maps() {
    for (const auto& q : program_.queues) {
      for (const auto& ins : q.code) {
        if (ins.op != Opcode::permute && ins.op != Opcode::distribute) continue;
        auto field = ins.operands.find(Field::map);
        if (field == ins.operands.end()) continue;  // reported as a missing operand
        const auto id = std::get<std::int64_t>(field->second);
        auto m = program_.maps.find(id);
        if (m == program_.maps.end()) {
          diags_.error(ins.loc, "",
                       "map " + std::to_string(id) + " is not defined (.map " + std::to_string(id) + " <lanes...>)");
          continue;
        }
        if (std::string why = map_problem(ins.op, m->second, p_); !why.empty())
          diags_.error(ins.loc, "", "map " + std::to_string(id) + " " + why);
      }
    }
  }

  void instruction(const std::vector<Token>& t, int line) {
    auto op = opcode_named(t[0].text);
    if (!op) {
      std::vector<std::string> names;
      for (const auto& i : op_table()) names.emplace_back(i.name);
      std::string near = nearest_name(t[0].text, names);
      return diags_.error(
          at(line, t[0].col), "",
          "unknown instruction '" + t[0].text + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
    const OpInfo& oi = info(*op);
    QueueCode* queue = current();
    if (!queue) {
      // Either no .queue yet, or a bad one that was already reported.
      if (program_.queues.empty() && !reported_no_queue_) {
        reported_no_queue_ = true;
        diags_.error(at(line, t[0].col), "", "an instruction needs a '.queue <name>' section before it");
      }
      return;
    }
    if (oi.unit != Unit::icu && oi.unit != queue->id.unit) {
      return diags_.error(at(line, t[0].col), "",
                          "'" + t[0].text + "' is a " + std::string(unit_name(oi.unit)) + " instruction; queue " +
                              queue_name(queue->id) + " is " + std::string(unit_name(queue->id.unit)));
    }
    Instruction ins{*op, {}, at(line, t[0].col)};
    std::vector<Field> given;  // including those with bad values, already reported
    for (std::size_t i = 1; i < t.size(); ++i) {
      if (auto f = operand(t[i], line, oi, ins)) given.push_back(*f);
    }
    for (Field f : oi.required) {
      if (std::find(given.begin(), given.end(), f) == given.end()) {
        diags_.error(at(line, t[0].col), "", "'" + t[0].text + "' needs operand " + std::string(field_name(f)) + "=");
      }
    }
    queue->code.push_back(std::move(ins));
  }

  // Reads one key=value operand; returns its field when the key is valid.
  std::optional<Field> operand(const Token& tok, int line, const OpInfo& oi, Instruction& ins) {
    auto eq = tok.text.find('=');
    auto field = field_named(tok.text.substr(0, eq));
    const bool allowed = field && (std::find(oi.required.begin(), oi.required.end(), *field) != oi.required.end() ||
                                   std::find(oi.optional.begin(), oi.optional.end(), *field) != oi.optional.end());
    if (eq == std::string::npos || !allowed) {
      std::string names;
      for (Field f : oi.required) names += (names.empty() ? "" : ", ") + std::string(field_name(f));
      for (Field f : oi.optional) names += (names.empty() ? "" : ", ") + std::string(field_name(f));
      diags_.error(at(line, tok.col), "",
                   "'" + std::string(oi.name) + "' takes " +
                       (names.empty() ? std::string("no operands") : names + "=...") + ", got '" + tok.text + "'");
      return std::nullopt;
    }
    if (ins.operands.contains(*field)) {
      diags_.error(at(line, tok.col), "", "operand " + std::string(field_name(*field)) + " is given twice");
      return field;
    }
    const std::string value = tok.text.substr(eq + 1);
    const Location where = at(line, tok.col + static_cast<int>(eq) + 1);
    switch (field_kind(*field)) {
      case FieldKind::integer: {
        auto v = parse_int(value);
        if (!v) {
          diags_.error(where, "", "expected an integer (decimal or 0x hex), got '" + value + "'");
        } else if (*v < 0 && *field != Field::astride && *field != Field::lanes) {
          diags_.error(where, "", std::string(field_name(*field)) + " cannot be negative");
        } else {
          ins.operands[*field] = *v;
        }
        return field;
      }
      case FieldKind::streams: {
        std::string error;
        auto s = parse_streams(value, p_.streams_per_direction, error);
        if (s) {
          ins.operands[*field] = *s;
        } else {
          diags_.error(where, "", error);
        }
        return field;
      }
      case FieldKind::elem_type: {
        auto ty = elem_type_named(value);
        if (ty) {
          ins.operands[*field] = *ty;
        } else {
          diags_.error(where, "", "expected an element type (i8 i16 i32 f8 f16 bf16 f32), got '" + value + "'");
        }
        return field;
      }
    }
    return field;
  }

  std::string file_;
  const LpuParams& p_;
  Diagnostics& diags_;
  Program program_;
  QueueCode* current() { return current_ < 0 ? nullptr : &program_.queues[static_cast<std::size_t>(current_)]; }
  int current_ = -1;  // index into program_.queues: pointers would dangle as it grows
  bool reported_no_queue_ = false;
};

}  // namespace

Program assemble(const std::string& text, const std::string& file, const LpuParams& params) {
  Diagnostics diags;
  Program program = Assembler(file, params, diags).run(text);
  diags.throw_if_any();
  return program;
}

std::string disassemble(const Program& program) {
  std::string out = ".arch " + program.arch + "\n";
  for (const auto& [id, lanes] : program.maps) {
    out += ".map " + std::to_string(id);
    for (int v : lanes) out += " " + std::to_string(v);
    out += "\n";
  }
  for (const auto& q : program.queues) {
    out += ".queue " + queue_name(q.id) + "\n";
    for (const auto& ins : q.code) {
      out += "    " + std::string(info(ins.op).name);
      for (const auto& [field, value] : ins.operands)
        out += " " + std::string(field_name(field)) + "=" + show(field, value);
      out += "\n";
    }
  }
  return out;
}

}  // namespace tokenfab::lpu
