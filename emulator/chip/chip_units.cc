#include "emulator/chip/chip_impl.h"

#include "emulator/chip/sxm.h"
#include "emulator/chip/vxm.h"

namespace tokenfab::lpu {

// MXM: lw reads one weight row per listed stream (INT8) or stream pair
// (FP16: low, high byte) at t + d_skew into a buffer; iw installs a full
// buffer at t + d_func; abc reads n activation vectors on consecutive cycles
// (FP16: one per mxm_fp16_interval), each product ready d_func later; acc
// emits n products, one per cycle, as four INT32 or FP32 byte planes.
namespace {
ElemType operand_type(const Instruction& ins, ElemType fallback) {
  auto it = ins.operands.find(Field::type);
  return it == ins.operands.end() ? fallback : std::get<ElemType>(it->second);
}
// Lanes of `width` bytes from their byte planes, interleaved little-endian.
void interleave(const std::vector<Payload>& planes, std::size_t first, int width, std::vector<std::uint8_t>& out) {
  if (width == 1) {
    out.insert(out.end(), planes[first]->begin(), planes[first]->end());
    return;
  }
  const std::size_t lanes = planes[first]->size();
  for (std::size_t l = 0; l < lanes; ++l) {
    for (int b = 0; b < width; ++b) out.push_back((*planes[first + static_cast<std::size_t>(b)])[l]);
  }
}
}  // namespace

void Chip::Impl::mxm(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d) {
  const int dim = chip.params_.mxm_dim;
  MxmPlane& plane = mxm_planes[static_cast<std::size_t>(integer(ins, Field::plane))];
  const auto buf = static_cast<std::size_t>(integer(ins, Field::buf) % 2);
  const bool functional = chip.mode_ == Mode::functional;
  // One branch per MXM opcode; perform() sends only those here.
  if (ins.op == Opcode::lw) {
    const std::int64_t when = t + d.d_skew;
    at(when, 2, [this, when, &q, &ins, &plane, buf, dim, functional] {
      const ElemType type = operand_type(ins, ElemType::i8);
      const int width = elem_bytes(type);
      const Streams& ids = streams(ins, Field::s);
      const int rows = static_cast<int>(ids.size()) / width;
      if (plane.rows[buf] > 0 && plane.buffer_type[buf] != type) {
        return fail(when, q, ins,
                    "weight buffer " + std::to_string(buf) + " holds " +
                        std::string(elem_type_name(plane.buffer_type[buf])) + " rows; this load is " +
                        std::string(elem_type_name(type)));
      }
      if (plane.rows[buf] + rows > dim) {
        return fail(when, q, ins,
                    "weight buffer " + std::to_string(buf) + " overwritten: it holds " +
                        std::to_string(plane.rows[buf]) + " of " + std::to_string(dim) + " rows and was not installed");
      }
      if (install_load.first != when) install_load = {when, 0};
      install_load.second += static_cast<std::int64_t>(rows) * dim * width;
      const auto install_limit = static_cast<std::int64_t>(chip.params_.mxm_install_per_cycle.value());
      if (install_load.second > install_limit) {
        return fail(when, q, ins,
                    "weight load over the install bandwidth: " + std::to_string(install_load.second) +
                        " bytes into the MXM in one cycle, which takes " + std::to_string(install_limit));
      }
      auto values = operands(when, q, ins, ids);
      if (!values) return;
      plane.buffer_bound[buf] = std::max(plane.buffer_bound[buf], operand_bound);
      bounded(operand_bound);
      if (functional) {
        for (int r = 0; r < rows; ++r)
          interleave(*values, static_cast<std::size_t>(r) * static_cast<std::size_t>(width), width, plane.buffer[buf]);
      }
      plane.buffer_type[buf] = type;
      plane.rows[buf] += rows;
    });
    return;
  }
  if (ins.op == Opcode::iw) {
    const std::int64_t when = t + d.d_func;
    at(when, 2, [this, when, &q, &ins, &plane, buf, dim] {
      happened(when);
      if (plane.rows[buf] != dim) {
        return fail(when, q, ins,
                    "install of weight buffer " + std::to_string(buf) + " with " + std::to_string(plane.rows[buf]) +
                        " of " + std::to_string(dim) + " rows");
      }
      plane.weights = std::move(plane.buffer[buf]);
      plane.weights_type = plane.buffer_type[buf];
      plane.buffer[buf].clear();
      // Installed no earlier than its last row was taken.
      plane.installed_bound = plane.buffer_bound[buf];
      plane.buffer_bound[buf] = 0;
      plane.rows[buf] = 0;
      plane.installed = true;
    });
    return;
  }
  if (ins.op == Opcode::abc) {
    for (std::int64_t k = 0; k < std::max<std::int64_t>(1, integer(ins, Field::n, 1)); ++k) {
      const std::int64_t when = t + d.d_skew + k, ready = t + k + d.d_func;
      at(when, 2, [this, when, ready, &q, &ins, &plane, dim, functional] {
        if (!plane.installed) return fail(when, q, ins, "activations reached a plane with no weights installed");
        const ElemType type = operand_type(ins, ElemType::i8);
        if (type != plane.weights_type) {
          return fail(when, q, ins,
                      std::string(elem_type_name(type)) + " activations on a plane holding " +
                          std::string(elem_type_name(plane.weights_type)) + " weights");
        }
        const int interval = type == ElemType::f16 ? chip.params_.mxm_fp16_interval : 1;
        if (plane.last_abc >= 0 && when - plane.last_abc < interval) {
          return fail(when, q, ins,
                      std::string(elem_type_name(type)) + " activations faster than one every " +
                          std::to_string(interval) + " cycles on this plane (the last at cycle " +
                          std::to_string(plane.last_abc) + ")");
        }
        plane.last_abc = when;
        auto x = operands(when, q, ins, streams(ins, Field::s));
        if (!x) return;
        const std::int64_t take = std::max(operand_bound, plane.installed_bound);
        bounded(take);
        Lanes value;
        if (functional) {
          std::vector<std::uint8_t> bytes;
          interleave(*x, 0, elem_bytes(type), bytes);
          value = mxm_product(plane.weights, bytes, dim, type);
        }
        plane.products.push_back(
            {ready, std::move(value), type == ElemType::f16 ? ElemType::f32 : ElemType::i32, take + (ready - when)});
      });
    }
    return;
  }
  if (ins.op == Opcode::acc) {
    for (std::int64_t k = 0; k < std::max<std::int64_t>(1, integer(ins, Field::n, 1)); ++k) {
      const std::int64_t when = t + d.d_skew + k, emit = t + k + d.d_func;
      at(when, 2, [this, when, emit, &q, &ins, &plane, functional] {
        happened(when);
        if (plane.products.empty() || plane.products.front().ready > when) {
          return fail(when, q, ins, "accumulator read before its product is ready");
        }
        MxmProduct product = std::move(plane.products.front());
        plane.products.pop_front();
        if (operand_type(ins, product.type) != product.type) {
          return fail(when, q, ins,
                      "acc type=" + std::string(elem_type_name(operand_type(ins, product.type))) +
                          " but the product is " + std::string(elem_type_name(product.type)));
        }
        bounded(product.bound);
        const Streams& out = streams(ins, Field::out);
        const std::int64_t emit_bound = product.bound + (emit - when);
        if (!functional) {
          for (int s : out) inject(emit, q, ins, s, nullptr, emit_bound);
          return;
        }
        auto planes_out = encode_lanes(product.value, product.type);
        for (std::size_t b = 0; b < planes_out.size(); ++b) {
          inject(emit, q, ins, out[b], std::make_shared<const std::vector<std::uint8_t>>(std::move(planes_out[b])),
                 emit_bound);
        }
      });
    }
    return;
  }
}

// C2C: vectors k = 0..n-1 one cycle apart. A send reads its stream at
// t + d_skew + k and starts on the link when it is free, else it is a
// schedule error; it lands in the peer's inbox after serialisation and the
// hop. A recv at t + d_skew + k takes the oldest arrived vector and puts it
// on its stream at t + k + d_func.
void Chip::Impl::c2c(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d) {
  if (ins.op == Opcode::deskew) return;  // chips start aligned in the emulator
  const int link = static_cast<int>(integer(ins, Field::link));
  for (std::int64_t k = 0; k < std::max<std::int64_t>(1, integer(ins, Field::n, 1)); ++k) {
    const std::int64_t when = t + d.d_skew + k, emit = t + k + d.d_func;
    if (ins.op == Opcode::send) {
      at(when, 2, [this, when, link, &q, &ins] {
        auto v = operands(when, q, ins, streams(ins, Field::s));
        if (!v) return;
        bounded(operand_bound);
        Link& out = links[link];
        if (when < out.busy_until) {
          return fail(when, q, ins,
                      "link " + std::to_string(link) + " is still sending until cycle " +
                          std::to_string(out.busy_until) + " (no flow control)");
        }
        out.busy_until = when + chip.params_.c2c_cycles_per_vector();
        // Without contention the vector starts on the link as it is read.
        const std::int64_t arrival_bound =
            operand_bound + chip.params_.c2c_cycles_per_vector() + chip.params_.c2c_hop_latency;
        if (std::string err =
                chip.ports_->send(link, {out.busy_until + chip.params_.c2c_hop_latency, v->front(), arrival_bound});
            !err.empty())
          return fail(when, q, ins, err);
      });
    } else {
      at(when, 2, [this, when, emit, link, &q, &ins] {
        happened(when);
        auto& inbox = links[link].inbox;
        if (inbox.empty() || inbox.front().arrival > when) {
          return fail(
              when, q, ins,
              "receive on link " + std::to_string(link) + " before a vector has arrived" +
                  (inbox.empty() ? std::string() : " (next at cycle " + std::to_string(inbox.front().arrival) + ")"));
        }
        const C2cVector arrived = inbox.front();
        inbox.pop_front();
        for (int s : streams(ins, Field::s)) inject(emit, q, ins, s, arrived.value, arrived.bound + (emit - when));
      });
    }
  }
}

// SXM: operands at t + d_skew, moved lanes on the output streams at t + d_func.
void Chip::Impl::sxm(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d) {
  const std::int64_t when = t + d.d_skew;
  at(when, 2, [this, when, t, &d, &q, &ins] {
    auto values = operands(when, q, ins, streams(ins, Field::in));
    if (!values) return;
    const Streams& out = streams(ins, Field::out);
    const std::int64_t bound = operand_bound - d.d_skew + d.d_func;
    if (chip.mode_ == Mode::timing_only) {
      for (int s : out) inject(t + d.d_func, q, ins, s, nullptr, bound);
      return;
    }
    std::vector<Bytes8> moved;
    if (ins.op == Opcode::transpose) {
      std::vector<const Bytes8*> in;
      for (const Payload& v : *values) in.push_back(v.get());
      moved = sxm_transpose(in, chip.params_.lanes_per_superlane);
    } else {
      for (const Payload& v : *values) {
        if (ins.op == Opcode::shift) {
          moved.push_back(sxm_shift(*v, integer(ins, Field::lanes)));
        } else if (ins.op == Opcode::rotate) {
          moved.push_back(sxm_rotate(*v, integer(ins, Field::n)));
        } else if (ins.op == Opcode::permute) {
          moved.push_back(sxm_permute(*v, maps->at(integer(ins, Field::map))));
        } else {  // distribute
          moved.push_back(sxm_distribute(*v, maps->at(integer(ins, Field::map))));
        }
      }
    }
    for (std::size_t k = 0; k < out.size(); ++k) {
      inject(t + d.d_func, q, ins, out[k], std::make_shared<const Bytes8>(std::move(moved[k])), bound);
    }
  });
}

// MEM gather and scatter: per-lane addresses arrive on the addr streams (low
// byte, then an optional high byte) at t + d_skew. Gather puts on s, at
// t + d_func, a vector whose lane i is byte i of word address[i]; scatter
// stores lane i of the value on s into byte i of word address[i]. Lanes
// address words independently, so the access takes every bank of the slice
// for that cycle: booking all of them keeps bank conflicts independent of
// the addresses, and so of the data.
void Chip::Impl::indirect(std::int64_t t, QueueState& q, const Instruction& ins, const Delay& d, SliceId slice) {
  const std::int64_t when = t + d.d_skew;
  at(when, 2, [this, when, t, &d, &q, &ins, slice] {
    const LpuParams& p = chip.params_;
    for (int b = 0; b < p.banks; ++b) {
      if (!book_bank(when, q, ins, slice, static_cast<std::int64_t>(b) * p.words_per_bank)) return;
    }
    Streams in = streams(ins, Field::addr);
    const bool scatter = ins.op == Opcode::scatter;
    if (scatter) in.insert(in.begin(), streams(ins, Field::s).front());
    auto values = operands(when, q, ins, in);
    if (!values) return;
    // Bounded by the address map and the value; the words' own bounds are
    // left out (a lower bound may ignore constraints).
    bounded(operand_bound);
    const std::int64_t bound = operand_bound - d.d_skew + d.d_func;
    if (chip.mode_ == Mode::timing_only) {
      if (!scatter) inject(t + d.d_func, q, ins, streams(ins, Field::s).front(), nullptr, bound);
      return;
    }
    const std::size_t lanes = static_cast<std::size_t>(p.vector_bytes()), lo = scatter ? 1 : 0;
    const bool wide = in.size() - lo == 2;
    std::vector<std::uint8_t> gathered(lanes, 0);
    for (std::size_t i = 0; i < lanes; ++i) {
      const std::int64_t a = (*(*values)[lo])[i] | (wide ? (*(*values)[lo + 1])[i] << 8 : 0);
      if (a >= slice_words(p)) {
        return fail(when, q, ins,
                    "lane " + std::to_string(i) + " addresses word " + std::to_string(a) + " outside the slice (" +
                        std::to_string(slice_words(p)) + " vectors)");
      }
      std::uint8_t& cell = chip.word(slice, a)[i];
      if (scatter) {
        cell = (*(*values)[0])[i];
      } else {
        gathered[i] = cell;
      }
    }
    if (!scatter)
      inject(t + d.d_func, q, ins, streams(ins, Field::s).front(),
             std::make_shared<const std::vector<std::uint8_t>>(std::move(gathered)), bound);
  });
}

}  // namespace tokenfab::lpu
