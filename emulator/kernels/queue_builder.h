// Helpers for kernel generators: a queue's instruction stream built by
// placing each instruction at the cycle it must issue, the gaps filled with
// nops, so that a generator states times and the program follows.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <utility>

#include "emulator/isa/program.h"

namespace tokenfab::lpu {

class QueueBuilder {
 public:
  explicit QueueBuilder(QueueId id) : code_{id, {}} {}
  // Places `ins` at `cycle`; `repeats` more copies follow one a cycle, the
  // address advancing by `stride` each.
  void at(std::int64_t cycle, Instruction ins, std::int64_t repeats = 0, std::int64_t stride = 0) {
    if (cycle < cursor_) throw std::invalid_argument(queue_name(code_.id) + ": two instructions for one cycle");
    if (cycle > cursor_) code_.code.push_back({Opcode::nop, {{Field::n, cycle - cursor_}}, {}});
    code_.code.push_back(std::move(ins));
    cursor_ = cycle + 1;
    if (repeats > 0) {
      Instruction rep{Opcode::repeat, {{Field::n, repeats}, {Field::d, std::int64_t{1}}}, {}};
      if (stride != 0) rep.operands[Field::astride] = stride;
      code_.code.push_back(std::move(rep));
      cursor_ += repeats;
    }
  }
  QueueCode take() { return std::move(code_); }

 private:
  QueueCode code_;
  std::int64_t cursor_ = 0;
};

inline Instruction make(Opcode op, std::map<Field, Operand> operands) { return {op, std::move(operands), {}}; }

// The queues of a program under construction, in queue order.
class ProgramBuilder {
 public:
  QueueBuilder& queue(QueueId id) { return queues_.try_emplace(id, id).first->second; }
  Program take(const std::string& arch) {
    Program p;
    p.arch = arch;
    for (auto& [id, builder] : queues_) p.queues.push_back(builder.take());
    return p;
  }

 private:
  std::map<QueueId, QueueBuilder> queues_;
};

}  // namespace tokenfab::lpu
