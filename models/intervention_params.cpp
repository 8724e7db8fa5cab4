#include "models/intervention_params.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace models {

void append_intervention_parameters(const std::vector<std::shared_ptr<const Intervention>>& list,
                                    std::vector<std::string>& names, std::vector<std::string>& values,
                                    std::vector<std::string>& units, std::vector<std::string>& sources) {
  std::map<std::string, int, std::less<>> seen;  // interventions of each type so far
  for (const auto& iv : list) {
    const std::string type(iv->type());
    const int k = ++seen[type];
    const auto kv = iv->values();
    // "<type>#k" from the second one on, or when a name is taken already (a
    // model parameter of the same name: the model's "secrecy.regime").
    std::string prefix = type;
    const auto taken = [&](const std::string& pre) {
      for (const auto& [key, value] : kv)
        if (std::find(names.begin(), names.end(), pre + "." + key) != names.end()) return true;
      return false;
    };
    if (k > 1 || taken(prefix)) prefix = type + "#" + std::to_string(k);
    const InterventionType* decl = interventions().find(type);
    if (!decl) throw std::logic_error("intervention type not registered: " + type);
    std::map<std::string, std::pair<std::string, std::string>> meta;  // key -> (unit, source)
    for (const auto& info : decl->params()) meta[info.name] = {info.unit, info.source};
    for (const auto& [key, value] : kv) {
      const auto it = meta.find(key);
      names.push_back(prefix + "." + key);
      values.push_back(value);
      units.push_back(it != meta.end() ? it->second.first : "");
      sources.push_back(it != meta.end() ? it->second.second : "");
    }
  }
}

}  // namespace models
