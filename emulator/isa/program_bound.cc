#include "emulator/isa/program_bound.h"

#include "emulator/isa/isa.h"

namespace tokenfab::lpu {

IssueBound issue_bound(const Program& program) {
  IssueBound best;
  for (const QueueCode& q : program.queues) {
    std::int64_t issues = 0;
    for (const Instruction& ins : q.code) {
      if (ins.op == Opcode::nop) continue;
      const auto n = ins.operands.find(Field::n);
      // A repeat issues n copies of the instruction before it; anything else issues once.
      issues += ins.op == Opcode::repeat && n != ins.operands.end() ? std::get<std::int64_t>(n->second) : 1;
    }
    if (issues > best.cycles) best = {queue_name(q.id), issues};
  }
  return best;
}

}  // namespace tokenfab::lpu
