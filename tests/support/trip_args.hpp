// A typed tool's argument struct shared by the API and the catalog tests.
#pragma once

#include <memory>

#include "runtime/api/typed_tool.hpp"

namespace mcprt::test {

struct trip_args {
  std::string city;
  std::optional<int64_t> days;
  int16_t party = 2;
  double budget = 0;
  bool refundable = false;
  std::vector<std::string> stops;
  static constexpr auto fields =
      std::tuple{arg(&trip_args::city, "city", "Where to go"),
                 arg(&trip_args::days, "days", "Days ahead").range(1, 14),
                 arg(&trip_args::party, "party", "How many travel").defaulted(),
                 arg(&trip_args::budget, "budget", "In euros"),
                 arg(&trip_args::refundable, "refundable", "").defaulted(),
                 arg(&trip_args::stops, "stops", "On the way").defaulted()};
};

inline json_ref parse_json(std::string_view text) {
  auto doc = std::make_shared<rapidjson::Document>();
  doc->Parse(text.data(), text.size());
  return json_ref(doc, doc.get());
}

}  // namespace mcprt::test
