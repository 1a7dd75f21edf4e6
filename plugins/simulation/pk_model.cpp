// The model's math and its file format.
#include "plugins/simulation/pk_model.hpp"

#include <cmath>
#include <random>

#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt::plugins::simulation {

namespace {

constexpr const char* required_parameters[] = {"dose_mg", "ka_per_h", "ke_per_h", "V_L", "F"};

std::optional<std::string> read_numbers(const rapidjson::Value& obj, const char* what,
                                        std::map<std::string, double>& out) {
  if (!obj.IsObject()) {
    return std::string("\"") + what + "\" must be an object of numbers";
  }
  for (const auto& m : obj.GetObject()) {
    if (!m.value.IsNumber()) {
      return std::string(what) + "." + m.name.GetString() + " must be a number";
    }
    out[m.name.GetString()] = m.value.GetDouble();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_model(const std::string& json, pk_model& out) {
  rapidjson::Document d;
  if (parse_json(d, json) || !d.IsObject()) {
    return "the model file is not a JSON object";
  }
  out.name = std::string(string_member(d, "name").value_or("model"));
  auto* params = find_member(d, "parameters");
  if (params == nullptr) {
    return "the model needs \"parameters\"";
  }
  if (auto err = read_numbers(*params, "parameters", out.parameters)) {
    return err;
  }
  for (const char* p : required_parameters) {
    if (out.parameters.count(p) == 0 || !(out.parameters[p] > 0)) {
      return std::string("parameters.") + p + " must be a positive number";
    }
  }
  if (auto* v = find_member(d, "variability")) {
    if (auto err = read_numbers(*v, "variability", out.variability)) {
      return err;
    }
  }
  if (auto* t = find_member(d, "time"); t != nullptr && t->IsObject()) {
    if (auto* e = find_member(*t, "end_h"); e != nullptr && e->IsNumber()) {
      out.end_h = e->GetDouble();
    }
    if (auto* s = find_member(*t, "step_h"); s != nullptr && s->IsNumber()) {
      out.step_h = s->GetDouble();
    }
  }
  if (!(out.end_h > 0) || !(out.step_h > 0) || out.end_h / out.step_h > 100000) {
    return "time.end_h and time.step_h must be positive, with at most 100000 steps";
  }
  return std::nullopt;
}

std::string model_json(const pk_model& m) {
  auto numbers = [](const std::map<std::string, double>& values) {
    std::string out = "{";
    for (const auto& [k, v] : values) {
      out += (out.size() > 1 ? "," : "") + quote(k) + ":" + number_json(v);
    }
    return out + "}";
  };
  return R"({"name":)" + quote(m.name) + R"(,"parameters":)" + numbers(m.parameters) +
         R"(,"variability":)" + numbers(m.variability) + R"(,"time":{"end_h":)" +
         number_json(m.end_h) + R"(,"step_h":)" + number_json(m.step_h) + "}}";
}

pk_result simulate(const pk_model& m, const std::map<std::string, double>& p) {
  const double dose = p.at("dose_mg"), ka = p.at("ka_per_h"), ke = p.at("ke_per_h"),
               v = p.at("V_L"), f = p.at("F");
  pk_result r;
  auto steps = static_cast<size_t>(std::floor(m.end_h / m.step_h + 1e-9)) + 1;
  r.concentrations.reserve(steps);
  for (size_t i = 0; i < steps; ++i) {
    double t = static_cast<double>(i) * m.step_h;
    // ka == ke is the limit case t·e^(−k·t).
    double c = std::abs(ka - ke) < 1e-12
                   ? f * dose / v * ka * t * std::exp(-ke * t)
                   : f * dose * ka / (v * (ka - ke)) * (std::exp(-ke * t) - std::exp(-ka * t));
    r.concentrations.push_back(c);
    if (c > r.cmax) {
      r.cmax = c;
      r.tmax_h = t;
    }
    if (i > 0) {
      r.auc += (c + r.concentrations[i - 1]) / 2 * m.step_h;
    }
  }
  return r;
}

std::map<std::string, double> draw_subject(const pk_model& m, uint64_t seed, int64_t subject,
                                           int64_t replicate) {
  // One generator per (subject, replicate): any subset of a run can be recomputed alone.
  std::seed_seq seq{seed, static_cast<uint64_t>(subject), static_cast<uint64_t>(replicate)};
  std::mt19937_64 gen(seq);
  std::normal_distribution<double> z(0, 1);
  auto p = m.parameters;
  for (const auto& [name, cv] : m.variability) {
    if (auto it = p.find(name); it != p.end() && cv > 0) {
      double sigma = std::sqrt(std::log(1 + cv * cv));
      it->second *= std::exp(sigma * z(gen) - sigma * sigma / 2);
    }
  }
  return p;
}

}  // namespace mcprt::plugins::simulation
