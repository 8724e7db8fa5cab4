// Template part of intervention.hpp.
#pragma once
#include <toml++/toml.h>

namespace models {

template <class T, class P>
InterventionType make_type(std::string name, std::string description) {
  InterventionType t;
  t.name = name;
  t.description = std::move(description);
  t.parse = [](const toml::table& tab, const std::string& file) -> std::shared_ptr<const Intervention> {
    P p = T::table().defaults();
    T::table().apply(p, tab, file, "", "type");
    return std::make_shared<T>(std::move(p));
  };
  t.params = [] { return T::table().infos(); };
  return t;
}

}  // namespace models
