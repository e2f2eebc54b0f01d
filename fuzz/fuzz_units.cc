// libFuzzer target: quantity strings ("22 TB/s", "1.5 $/Mtok", "80 GiB")
// through parse_quantity (core/units.h), the parser under every unit-typed
// config value and --set override. It reports bad text as a message, never
// by throwing, so any exception here is a finding. A parsed value is also
// named and printed back (dimension_name, format_si, unit_symbol), as error
// messages and results do with whatever the parser let through.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "core/units.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = tokenfab::parse_quantity(text);
  if (const auto* q = std::get_if<tokenfab::ParsedQuantity>(&parsed)) {
    (void)tokenfab::dimension_name(q->dims);
    (void)tokenfab::format_si(q->value_si, q->dims);
    (void)tokenfab::unit_symbol(q->dims);
  }
  // The typed front end the schemas use: a dimension check on top.
  (void)tokenfab::parse_quantity_as<tokenfab::BytesPerSecond>(text);
  return 0;
}
