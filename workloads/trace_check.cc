#include "workloads/trace_check.h"

#include <algorithm>
#include <set>

#include "workloads/trace_columns.h"
#include "workloads/trace_gen.h"

namespace tokenfab {

using trace_detail::columns;
using trace_detail::header_line;

namespace {

std::string quoted(const std::vector<std::string>& names, std::size_t i) {
  return i < names.size() ? "'" + names[i] + "'" : std::string("the end of the line");
}

// 1-based place of name in names, 0 when absent.
std::size_t place(const std::vector<std::string>& names, const std::string& name) {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? 0 : static_cast<std::size_t>(it - names.begin()) + 1;
}

// Why a header field is not the column expected at its place: it is another
// column, out of its place or repeated, or no column at all; a rename is
// offered the nearest column name.
std::string about_found(const std::vector<std::string>& expected, const std::vector<std::string>& found,
                        const std::string& name, bool renamed) {
  if (std::count(found.begin(), found.end(), name) > 1) return "; '" + name + "' appears more than once";
  if (std::size_t at = place(expected, name)) return "; '" + name + "' belongs in column " + std::to_string(at);
  if (!renamed) return ", which is not a trace column";
  std::string near = name.empty() ? "" : nearest_name(name, expected);
  return near.empty() ? "" : "; did you mean '" + near + "'?";
}

}  // namespace

bool check_csv_header(const std::vector<std::pair<std::string, int>>& cells, const Location& at, Diagnostics& diags) {
  std::vector<std::string> expected, found;
  for (const auto& c : columns()) expected.emplace_back(c.name);
  for (const auto& [text, col] : cells) found.push_back(text);
  if (found == expected) return true;
  const std::string want = "expected the header '" + header_line() + "'";
  if (!found.empty() && found[0].rfind('{', 0) == 0) {
    diags.error(at, "", want + ", found a JSON object: a JSON-lines trace is read from a file named .jsonl");
    return false;
  }
  const bool any = std::any_of(found.begin(), found.end(), [&](const auto& f) { return place(expected, f) > 0; });
  if (!any) {
    diags.error(at, "",
                want + ": none of its " + std::to_string(found.size()) +
                    " fields names a trace column (is the header line missing?)");
    return true;
  }
  diags.error(at, "", want);
  // Align the names by edit distance over whole names, so that one dropped,
  // added or renamed column is one message at its place rather than a
  // mismatch in every column after it. cost[i][j]: the fewest drops, additions
  // and renames that turn found[j..] into expected[i..].
  const std::size_t ne = expected.size(), nf = found.size();
  std::vector<std::vector<std::size_t>> cost(ne + 1, std::vector<std::size_t>(nf + 1));
  for (std::size_t i = ne + 1; i-- > 0;) {
    for (std::size_t j = nf + 1; j-- > 0;) {
      if (i == ne || j == nf) {
        cost[i][j] = (ne - i) + (nf - j);
        continue;
      }
      cost[i][j] =
          std::min({cost[i + 1][j + 1] + (expected[i] == found[j] ? 0 : 1), cost[i + 1][j] + 1, cost[i][j + 1] + 1});
    }
  }
  const int end_col = cells.back().second + static_cast<int>(cells.back().first.size());
  std::size_t i = 0, j = 0;
  while (i < ne || j < nf) {
    if (i < ne && j < nf && expected[i] == found[j]) {
      ++i, ++j;
      continue;
    }
    const Location here{at.file, at.line, j < nf ? cells[j].second : end_col};
    const std::string what =
        "column " + std::to_string(j + 1) + ": expected " + quoted(expected, i) + ", found " + quoted(found, j);
    if (i < ne && j < nf && cost[i][j] == cost[i + 1][j + 1] + 1) {  // renamed
      diags.error(here, "", what + about_found(expected, found, found[j], true));
      ++i, ++j;
    } else if (i < ne && cost[i][j] == cost[i + 1][j] + 1) {  // expected[i] dropped
      const std::size_t later = place(found, expected[i]);
      diags.error(here, "",
                  what + (later ? "; '" + expected[i] + "' is column " + std::to_string(later) + ", out of order"
                                : "; the header has no '" + expected[i] + "' column"));
      ++i;
    } else {  // found[j] added
      diags.error(here, "", what + about_found(expected, found, found[j], false));
      ++j;
    }
  }
  return true;
}

namespace {

void check_all(const Trace& t, const ModelSpec& model, const std::string& file, Diagnostics& diags) {
  const Location at{file};
  if (t.model != model.name) {
    diags.error(at, "model", "the trace is of '" + t.model + "' but the run's model is '" + model.name + "'");
  }
  validate_mapping(t.mapping, model, diags, at);
  if (!diags.ok()) return;  // the checks below divide by the mapping's sizes
  const Mapping& map = t.mapping;
  std::set<int> seen;
  for (const auto& d : t.devices) {
    const std::string where = "device " + std::to_string(d.device);
    if (!seen.insert(d.device).second) {
      diags.error(at, where, "its rows are split by another device's; keep each device's ops together");
    }
    if (d.device >= map.replica_devices()) {
      diags.error(
          at, where,
          "is outside the replica of " + std::to_string(map.replica_devices()) + " devices (" + map.str() + ")");
      continue;
    }
    const DeviceCoords expected = map.coords(d.device);
    if (d.stage != expected.stage || d.tp_rank != expected.tp_rank || d.attn_rank != expected.attn_rank) {
      diags.error(at, where, "stage, attn_rank or tp_rank do not match the device index under " + map.str());
    }
    for (const Op& op : d.ops) {
      const std::string op_where = where + ", " + op.name;
      if (op.layer < -1 || op.layer > model.layers) {
        diags.error(at, op_where,
                    "layer " + std::to_string(op.layer) + " is outside -1.." + std::to_string(model.layers));
      }
      if (!op.collective) continue;
      const Collective& c = *op.collective;
      switch (c.group) {
        case CollectiveGroup::tp:
          if (c.group_size != map.tp) {
            diags.error(at, op_where, "a tp collective needs group_size " + std::to_string(map.tp));
          }
          break;
        case CollectiveGroup::ep:
          if (c.group_size != map.stage_devices()) {
            diags.error(at, op_where,
                        "an ep collective spans the stage: group_size " + std::to_string(map.stage_devices()));
          }
          break;
        case CollectiveGroup::pp:
          if (c.group_size != 2 || d.stage + 1 >= map.pp) {
            diags.error(at, op_where, "a pp send needs group_size 2 and a next stage");
          }
          break;
        case CollectiveGroup::pod:
          diags.error(at, op_where,
                      "a crossing between a pod's pools is not part of a replica's trace (group tp, ep or pp)");
          break;
      }
    }
  }
  for (int d = 0; d < map.replica_devices(); ++d) {
    if (!seen.contains(d)) {
      diags.error(at, "device " + std::to_string(d), "has no ops; a trace covers every device of the replica");
      break;
    }
  }
}

}  // namespace

void check_trace(const Trace& t, const ModelSpec& model, const std::string& file, Diagnostics& diags) {
  // Every op of a trace of another model's layers, or of a larger replica's
  // devices, fails alike; Diagnostics::render shows the first few and counts the rest.
  check_all(t, model, file, diags);
}

}  // namespace tokenfab
