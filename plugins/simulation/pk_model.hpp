// A one-compartment pharmacokinetic model with first-order oral absorption, the reference
// workload of the simulation adapter: C(t) = F·D·ka / (V·(ka − ke)) · (e^(−ke·t) − e^(−ka·t)).
// Population runs draw each subject's parameters log-normally around the model's values
// (coefficients of variation from the model file) from a fixed seed, so a run is reproducible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mcprt::plugins::simulation {

/// A model as loaded from its JSON file, with any parameter changes applied.
struct pk_model {
  std::string name;
  std::map<std::string, double> parameters;   ///< dose_mg, ka_per_h, ke_per_h, V_L, F.
  std::map<std::string, double> variability;  ///< Coefficient of variation per parameter.
  double end_h = 24;
  double step_h = 0.5;
};

/// Parses a model file's text; the reason when it is not a valid model.
std::optional<std::string> parse_model(const std::string& json, pk_model& out);
/// The model as JSON (what a handle file stores).
std::string model_json(const pk_model& m);

/// One subject's simulated course and its summary.
struct pk_result {
  std::vector<double> concentrations;    ///< mg/L at 0, step, 2·step, ... end.
  double cmax = 0, tmax_h = 0, auc = 0;  ///< AUC by the trapezoid rule, mg·h/L.
};

/// Simulates `parameters` over the model's time grid.
pk_result simulate(const pk_model& m, const std::map<std::string, double>& parameters);

/// The parameters of subject `subject`, replicate `replicate`, for `seed`.
std::map<std::string, double> draw_subject(const pk_model& m, uint64_t seed, int64_t subject,
                                           int64_t replicate);

}  // namespace mcprt::plugins::simulation
