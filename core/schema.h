// One declaration per parameter: key, type, unit, default or required, range
// and description. The same declaration parses, validates and documents.
//
//   const Schema<HbmConfig>& hbm_schema() {
//     static const Schema<HbmConfig> schema = [] {
//       Schema<HbmConfig> s("HBM of one GPU package");
//       s.add("capacity", &HbmConfig::capacity, "usable capacity").positive();
//       s.add("efficiency", &HbmConfig::efficiency, "achievable fraction of peak")
//           .default_value(0.9).at_least(0.01).at_most(1.0);
//       return s;
//     }();
//     return schema;
//   }
//
// Reading rejects unknown keys with the nearest valid one, reports every
// missing, mistyped or out-of-range value with its file:line:col, and accepts
// `source:` and `status:` in any section as the provenance of the numbers in
// it (gem5's Param declarations, enforced; DRAMSys's parsed/validated split,
// where the ConfigNode tree is the parsed layer).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/value_codec.h"

namespace tokenfab {

struct ParamDoc {
  std::string key;  // dotted, "[]" marks list items
  std::string type;
  std::string default_text;  // "required" when there is none
  std::string range;
  std::string description;
};

// Reports a cross-field error at the key's own location when it is present.
class Checker {
 public:
  Checker(const ConfigNode& node, std::string path, BindContext& ctx)
      : node_(node), path_(std::move(path)), ctx_(ctx) {}
  void fail(std::string_view key, const std::string& message);

 private:
  const ConfigNode& node_;
  std::string path_;
  BindContext& ctx_;
};

namespace schema_detail {
std::string join(const std::string& path, const std::string& key);
// "a.b.key" -> "a.b": where a missing key is reported.
std::string parent_path(const std::string& path, const std::string& key);
void check_section_keys(const ConfigNode& node, const std::string& path, const std::vector<std::string>& keys,
                        BindContext& ctx);
void apply_section_provenance(const ConfigNode& node, const std::string& path, BindContext& ctx);
template <class M>
struct Unwrap {
  using type = M;
  static constexpr bool optional = false;
};
template <class V>
struct Unwrap<std::optional<V>> {
  using type = V;
  static constexpr bool optional = true;
};
}  // namespace schema_detail

template <class T>
class FieldBase {
 public:
  FieldBase(std::string key, std::string description) : key_(std::move(key)), description_(std::move(description)) {}
  virtual ~FieldBase() = default;
  const std::string& key() const { return key_; }
  virtual bool required() const = 0;
  // node is null when the key is absent from `parent`.
  virtual void read(T& out, const ConfigNode* node, const ConfigNode& parent, const std::string& path,
                    BindContext& ctx) const = 0;
  virtual void document(const std::string& prefix, std::vector<ParamDoc>& rows) const = 0;

 protected:
  std::string key_;
  std::string description_;
};

// A scalar parameter; M is V or std::optional<V>.
template <class T, class M>
class ValueField : public FieldBase<T> {
  using V = typename schema_detail::Unwrap<M>::type;
  static constexpr bool kOptional = schema_detail::Unwrap<M>::optional;

 public:
  ValueField(std::string key, M T::*member, std::string description)
      : FieldBase<T>(std::move(key), std::move(description)), member_(member) {}

  ValueField& default_value(V v) {
    default_ = std::move(v);
    return *this;
  }
  ValueField& at_least(V v) {
    min_ = std::move(v);
    return *this;
  }
  ValueField& at_most(V v) {
    max_ = std::move(v);
    return *this;
  }
  ValueField& positive() {
    positive_ = true;
    return *this;
  }

  bool required() const override { return !kOptional && !default_; }

  void read(T& out, const ConfigNode* node, const ConfigNode& parent, const std::string& path,
            BindContext& ctx) const override {
    if (!node || node->is_null()) {
      if (default_) {
        out.*member_ = *default_;
      } else if (!kOptional) {
        ctx.diags.error(
            parent.loc, schema_detail::parent_path(path, this->key_),
            "missing required key '" + this->key_ + "' (" + this->description_ + "; " + Codec<V>::type_name() + ")");
      }
      return;
    }
    auto value = Codec<V>::read(*node, path, ctx);
    if (!value) return;
    if constexpr (requires(V v) { Codec<V>::order(v); }) {
      std::string bound;
      if (min_ && Codec<V>::order(*value) < Codec<V>::order(*min_)) bound = ">= " + Codec<V>::show(*min_);
      if (max_ && Codec<V>::order(*value) > Codec<V>::order(*max_)) bound = "<= " + Codec<V>::show(*max_);
      if (positive_ && Codec<V>::order(*value) <= 0) bound = "> 0";
      if (!bound.empty()) {
        const ConfigNode* shown = node->is_map() && node->find("value") ? node->find("value") : node;
        ctx.diags.error(shown->loc, path,
                        "expected " + Codec<V>::type_name() + " " + bound + ", got '" + shown->scalar + "'");
        return;
      }
    }
    out.*member_ = std::move(*value);
  }

  void document(const std::string& prefix, std::vector<ParamDoc>& rows) const override {
    std::string range;
    if constexpr (requires(V v) { Codec<V>::order(v); }) {
      if (positive_) range = "> 0";
      if (min_) range = ">= " + Codec<V>::show(*min_);
      if (max_) range += std::string(range.empty() ? "" : ", ") + "<= " + Codec<V>::show(*max_);
    }
    std::string def = default_ ? Codec<V>::show(*default_) : (kOptional ? "optional" : "required");
    rows.push_back({schema_detail::join(prefix, this->key_), Codec<V>::type_name(), def, range, this->description_});
  }

 private:
  M T::*member_;
  std::optional<V> default_, min_, max_;
  bool positive_ = false;
};

template <class T>
class Schema {
 public:
  explicit Schema(std::string description) : description_(std::move(description)) {}
  Schema(Schema&&) noexcept = default;
  Schema& operator=(Schema&&) noexcept = default;

  const std::string& description() const { return description_; }

  template <class M>
  ValueField<T, M>& add(std::string key, M T::*member, std::string description) {
    auto field = std::make_unique<ValueField<T, M>>(std::move(key), member, std::move(description));
    auto& ref = *field;
    fields_.push_back(std::move(field));
    return ref;
  }

  // A nested section; S or std::optional<S>. A plain S that is absent takes
  // its defaults when it has no required key.
  template <class M, class S>
  void section(std::string key, M T::*member, const Schema<S>& schema);
  // A list of sections, at least `min_items` long.
  template <class S>
  void list(std::string key, std::vector<S> T::*member, const Schema<S>& schema, std::size_t min_items = 0);

  // A cross-field check run after every field was read.
  void check(std::function<void(const T&, Checker&)> fn) { checks_.push_back(std::move(fn)); }
  // Rewrites a copy of the section's tree before it is read: for keys
  // derived from another document (an LPU chip's figures from its emulator
  // preset), so that they are read, validated and located like written ones.
  void prepare(std::function<void(ConfigNode&, const std::string& path, BindContext&)> fn) {
    prepares_.push_back(std::move(fn));
  }

  T read(const ConfigNode& node, const std::string& path, BindContext& ctx) const {
    T out{};
    read_into(out, node, path, ctx);
    return out;
  }

  void read_into(T& out, const ConfigNode& node, const std::string& path, BindContext& ctx) const {
    if (!node.is_map()) {
      ctx.diags.error(node.loc, path, "expected a map (" + description_ + "), got " + node.kind_name());
      return;
    }
    if (!prepares_.empty()) {
      ConfigNode prepared = node;
      const std::size_t errors_before = ctx.diags.errors().size();
      for (const auto& p : prepares_) p(prepared, path, ctx);
      if (ctx.diags.errors().size() == errors_before) read_fields(out, prepared, path, ctx);
      return;
    }
    read_fields(out, node, path, ctx);
  }

  bool has_required() const {
    for (const auto& f : fields_) {
      if (f->required()) return true;
    }
    return false;
  }

  std::vector<ParamDoc> document(const std::string& prefix = "") const {
    std::vector<ParamDoc> rows;
    for (const auto& f : fields_) f->document(prefix, rows);
    return rows;
  }

 private:
  void read_fields(T& out, const ConfigNode& node, const std::string& path, BindContext& ctx) const {
    std::vector<std::string> keys;
    for (const auto& f : fields_) keys.push_back(f->key());
    schema_detail::check_section_keys(node, path, keys, ctx);
    BindContext inner{ctx.diags, ctx.provenance, ctx.source, ctx.status};
    schema_detail::apply_section_provenance(node, path, inner);
    std::size_t errors_before = ctx.diags.errors().size();
    for (const auto& f : fields_) f->read(out, node.find(f->key()), node, schema_detail::join(path, f->key()), inner);
    if (ctx.diags.errors().size() != errors_before) return;  // checks assume well-formed fields
    Checker checker(node, path, inner);
    for (const auto& c : checks_) c(out, checker);
  }

  std::string description_;
  std::vector<std::unique_ptr<FieldBase<T>>> fields_;
  std::vector<std::function<void(const T&, Checker&)>> checks_;
  std::vector<std::function<void(ConfigNode&, const std::string&, BindContext&)>> prepares_;
};

template <class T, class M, class S>
class SectionField : public FieldBase<T> {
  static constexpr bool kOptional = schema_detail::Unwrap<M>::optional;

 public:
  SectionField(std::string key, M T::*member, const Schema<S>& schema)
      : FieldBase<T>(std::move(key), schema.description()), member_(member), schema_(schema) {}
  bool required() const override { return !kOptional && schema_.has_required(); }
  void read(T& out, const ConfigNode* node, const ConfigNode& parent, const std::string& path,
            BindContext& ctx) const override {
    if (!node || node->is_null()) {
      if (kOptional) return;
      if (schema_.has_required()) {
        ctx.diags.error(parent.loc, schema_detail::parent_path(path, this->key_),
                        "missing required section '" + this->key_ + "' (" + this->description_ + ")");
        return;
      }
      ConfigNode empty;
      empty.kind = ConfigNode::Kind::Map;
      empty.loc = parent.loc;
      node = &empty;
      out.*member_ = schema_.read(*node, path, ctx);
      return;
    }
    out.*member_ = schema_.read(*node, path, ctx);
  }
  void document(const std::string& prefix, std::vector<ParamDoc>& rows) const override {
    std::string key = schema_detail::join(prefix, this->key_);
    rows.push_back({key, "section", kOptional ? "optional" : (schema_.has_required() ? "required" : "defaults"), "",
                    this->description_});
    auto sub = schema_.document(key);
    rows.insert(rows.end(), sub.begin(), sub.end());
  }

 private:
  M T::*member_;
  const Schema<S>& schema_;
};

template <class T, class S>
class ListField : public FieldBase<T> {
 public:
  ListField(std::string key, std::vector<S> T::*member, const Schema<S>& schema, std::size_t min_items)
      : FieldBase<T>(std::move(key), schema.description()), member_(member), schema_(schema), min_items_(min_items) {}
  bool required() const override { return min_items_ > 0; }
  void read(T& out, const ConfigNode* node, const ConfigNode& parent, const std::string& path,
            BindContext& ctx) const override {
    if (!node || node->is_null()) {
      if (min_items_ > 0)
        ctx.diags.error(parent.loc, schema_detail::parent_path(path, this->key_),
                        "missing required list '" + this->key_ + "'");
      return;
    }
    if (!node->is_sequence()) {
      ctx.diags.error(node->loc, path, "expected a list of " + this->description_ + ", got " + node->kind_name());
      return;
    }
    if (node->items.size() < min_items_) {
      ctx.diags.error(node->loc, path, "expected at least " + std::to_string(min_items_) + " items");
    }
    auto& items = out.*member_;
    items.clear();
    for (std::size_t i = 0; i < node->items.size(); ++i) {
      items.push_back(schema_.read(node->items[i], path + "." + std::to_string(i), ctx));
    }
  }
  void document(const std::string& prefix, std::vector<ParamDoc>& rows) const override {
    std::string key = schema_detail::join(prefix, this->key_) + "[]";
    rows.push_back({key, "list", min_items_ ? "required" : "optional",
                    min_items_ ? ">= " + std::to_string(min_items_) + " items" : "", this->description_});
    auto sub = schema_.document(key);
    rows.insert(rows.end(), sub.begin(), sub.end());
  }

 private:
  std::vector<S> T::*member_;
  const Schema<S>& schema_;
  std::size_t min_items_;
};

template <class T>
template <class M, class S>
void Schema<T>::section(std::string key, M T::*member, const Schema<S>& schema) {
  fields_.push_back(std::make_unique<SectionField<T, M, S>>(std::move(key), member, schema));
}

template <class T>
template <class S>
void Schema<T>::list(std::string key, std::vector<S> T::*member, const Schema<S>& schema, std::size_t min_items) {
  fields_.push_back(std::make_unique<ListField<T, S>>(std::move(key), member, schema, min_items));
}

// Reads a whole document with a schema, throwing InputError on any error.
template <class T>
T read_document(const ConfigNode& root, const Schema<T>& schema, std::vector<Provenance>* provenance = nullptr) {
  Diagnostics diags;
  BindContext ctx{diags, provenance, "", ""};
  T out = schema.read(root, "", ctx);
  diags.throw_if_any();
  return out;
}

}  // namespace tokenfab
