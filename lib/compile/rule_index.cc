// Choosing the key of a rule index (rule_index.h).
#include "compile/rule_index.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace verdict::compile {

namespace {

// The values [def] admits for [key]: its first constraint on it (a second
// one can only narrow that, and the body tests both anyway). nullptr: the
// definition does not constrain the key.
const std::vector<Value>* AdmittedValues(const DefinitionKeys& def, const IndexKey& key) {
  for (const KeyConstraint& c : def) {
    if (c.key == key) return &c.values;
  }
  return nullptr;
}

struct Candidate {
  IndexSplit split;
  double cost = 0;    // definitions to try once the value is known
  size_t copies = 0;  // definitions compiled, counting each case
};

Candidate SplitBy(const IndexKey& key, std::span<const size_t> defs,
                  std::span<const DefinitionKeys> keys) {
  // Each distinct value with the definitions admitting it.
  std::vector<std::pair<Value, std::vector<size_t>>> by_value;
  std::unordered_map<Value, size_t, ValueHash> value_index;
  Candidate c;
  c.split.key = key;
  for (size_t d : defs) {
    const std::vector<Value>* values = AdmittedValues(keys[d], key);
    if (values == nullptr) {
      c.split.rest.push_back(d);
      continue;
    }
    for (const Value& v : *values) {
      auto [it, added] = value_index.try_emplace(v, by_value.size());
      if (added) by_value.emplace_back(v, std::vector<size_t>());
      std::vector<size_t>& admitted = by_value[it->second].second;
      // `x in ["a", "a"]` admits "a" once.
      if (admitted.empty() || admitted.back() != d) admitted.push_back(d);
    }
  }
  // Values admitting the same definitions share a case.
  std::map<std::vector<size_t>, size_t> case_of;
  size_t admitted_total = 0;
  for (auto& [value, admitted] : by_value) {
    admitted_total += admitted.size();
    auto [it, added] = case_of.try_emplace(admitted, c.split.cases.size());
    if (added) {
      c.copies += admitted.size();
      c.split.cases.push_back({{}, admitted});
    }
    c.split.cases[it->second].values.push_back(value);
  }
  c.copies += c.split.rest.size();
  c.cost = static_cast<double>(c.split.rest.size());
  if (!by_value.empty()) {
    c.cost += static_cast<double>(admitted_total) / static_cast<double>(by_value.size());
  }
  return c;
}

}  // namespace

std::optional<IndexSplit> ChooseIndexSplit(std::span<const size_t> defs,
                                           std::span<const DefinitionKeys> keys,
                                           std::span<const IndexKey> excluded) {
  if (defs.size() < kMinIndexedDefinitions || excluded.size() >= kMaxIndexDepth) {
    return std::nullopt;
  }
  // How many definitions constrain each key; candidates in order of first
  // appearance, so ties go to the key the policy tests first and the
  // choice does not depend on hashing.
  std::unordered_map<IndexKey, size_t, IndexKeyHash> coverage;
  std::vector<const IndexKey*> candidates;
  for (size_t d : defs) {
    const DefinitionKeys& def = keys[d];
    for (size_t i = 0; i < def.size(); ++i) {
      const IndexKey& key = def[i].key;
      if (AdmittedValues(def, key) != &def[i].values) continue;  // counted already
      if (std::find(excluded.begin(), excluded.end(), key) != excluded.end()) continue;
      auto [it, added] = coverage.try_emplace(key, 0);
      if (added) candidates.push_back(&key);
      ++it->second;
    }
  }
  std::optional<Candidate> best;
  for (const IndexKey* key : candidates) {
    // The definitions without the key are a lower bound of the cost.
    if (2 * (defs.size() - coverage[*key]) > defs.size()) continue;
    Candidate c = SplitBy(*key, defs, keys);
    if (c.split.cases.empty() || 2 * c.cost > static_cast<double>(defs.size())) continue;
    if (c.copies > kMaxCopiesPerDefinition * defs.size()) continue;
    if (!best || c.cost < best->cost) best = std::move(c);
  }
  if (!best) return std::nullopt;
  return std::move(best->split);
}

}  // namespace verdict::compile
