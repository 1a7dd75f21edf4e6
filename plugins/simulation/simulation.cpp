// Tools and the results resource. Population runs advance in slices on the plugin's actor
// (one slice per step), so progress flows and other calls interleave.
#include "plugins/simulation/simulation.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "plugins/simulation/pk_model.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt::plugins::simulation {

namespace {

namespace fs = std::filesystem;

constexpr int64_t slice = 250;  // Subject-replicates per step of a population run.

struct store {
  fs::path dir;
  fs::path handle_file(const std::string& h) const { return dir / "handles" / (h + ".json"); }
  fs::path run_file(const std::string& r) const { return dir / "runs" / (r + ".csv"); }
};

std::string random_id() {
  static std::mutex m;
  static std::mt19937_64 gen{std::random_device{}()};
  std::lock_guard<std::mutex> g(m);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(gen()));
  return buf;
}

bool valid_id(std::string_view id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Six significant digits, for CSV cells and text ("inf" and "nan" included).
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// The same as a JSON number: a parameter set to 1e308 can overflow a result to infinity, which
// JSON cannot carry.
std::string num_json(double v) {
  return std::isfinite(v) ? num(v) : "null";
}

std::string arg_string(const tool_invocation& c, std::string_view name) {
  auto v = c.arguments() ? string_member(*c.arguments(), name) : std::nullopt;
  return std::string(v.value_or(""));
}

std::optional<double> arg_number(const tool_invocation& c, std::string_view name) {
  auto* v = c.arguments() ? find_member(*c.arguments(), name) : nullptr;
  return v != nullptr && v->IsNumber() ? std::optional<double>(v->GetDouble()) : std::nullopt;
}

tool_result structured(const std::string& text, std::string json) {
  auto r = text_result(text);
  r.structured_json = std::move(json);
  return r;
}

// The model behind a handle, or the error result to answer.
std::variant<pk_model, tool_result> load_handle(const store& s, const std::string& handle) {
  if (!valid_id(handle)) {
    return error_result("Unknown handle '" + handle + "': load_simulation returns handles");
  }
  auto text = read_file(s.handle_file(handle));
  pk_model m;
  if (!text || parse_model(*text, m)) {
    return error_result("Unknown handle '" + handle + "'");
  }
  return m;
}

bool save_handle(const store& s, const std::string& handle, const pk_model& m) {
  auto tmp = s.handle_file(handle).string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << model_json(m);
    if (!out) {
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, s.handle_file(handle), ec);  // Atomic: a reader never sees half a file.
  return !ec;
}

// The model behind the call's `handle`; answers the call with the error when there is none.
std::optional<pk_model> model_of(const store& s, const tool_invocation& c) {
  auto loaded = load_handle(s, arg_string(c, "handle"));
  if (auto* err = std::get_if<tool_result>(&loaded)) {
    c.finish(*err);
    return std::nullopt;
  }
  return std::get<pk_model>(std::move(loaded));
}

// The model's parameter the call names; answers the call with the error when there is none.
double* parameter_of(pk_model& m, const tool_invocation& c) {
  auto name = arg_string(c, "name");
  auto it = m.parameters.find(name);
  if (it == m.parameters.end()) {
    c.finish(error_result("No parameter '" + name + "'"));
    return nullptr;
  }
  return &it->second;
}

std::string csv_header(const pk_model& m) {
  std::string h = "subject,replicate,ka_per_h,ke_per_h,V_L,cmax_mg_L,tmax_h,auc_mg_h_L";
  auto steps = static_cast<size_t>(m.end_h / m.step_h + 1e-9) + 1;
  for (size_t i = 0; i < steps; ++i) {
    h += ",c_" + num(static_cast<double>(i) * m.step_h);
  }
  return h + "\n";
}

struct population_run {
  store files;
  pk_model model;
  std::string run_id;
  int64_t subjects = 0, replicates = 0, next = 0;
  uint64_t seed = 0;
  std::ofstream out;
  double sum_cmax = 0, sum_auc = 0;
};

// Writes the next slice, reports progress, and schedules itself until the run is done.
void step(const std::shared_ptr<population_run>& run, const tool_invocation& c) {
  if (c.out().cancelled()) {
    run->out.close();
    std::error_code ec;
    fs::remove(run->files.run_file(run->run_id), ec);
    return;
  }
  auto total = run->subjects * run->replicates;
  auto end = std::min(total, run->next + slice);
  std::string rows;
  for (; run->next < end; ++run->next) {
    auto subject = run->next / run->replicates, replicate = run->next % run->replicates;
    auto p = draw_subject(run->model, run->seed, subject, replicate);
    auto r = simulate(run->model, p);
    run->sum_cmax += r.cmax;
    run->sum_auc += r.auc;
    rows += std::to_string(subject) + "," + std::to_string(replicate) + "," + num(p["ka_per_h"]) +
            "," + num(p["ke_per_h"]) + "," + num(p["V_L"]) + "," + num(r.cmax) + "," +
            num(r.tmax_h) + "," + num(r.auc);
    for (double conc : r.concentrations) {
      rows += "," + num(conc);
    }
    rows += "\n";
  }
  run->out << rows;
  c.out().progress(static_cast<double>(run->next), static_cast<double>(total),
                   std::to_string(run->next) + " of " + std::to_string(total) + " simulated");
  if (run->next < total) {
    c.after(std::chrono::milliseconds(0), [run, c] { step(run, c); });
    return;
  }
  run->out.close();
  if (!run->out) {
    c.finish(error_result("Writing the results failed (disk full?)"));
    return;
  }
  auto bytes = fs::file_size(run->files.run_file(run->run_id));
  auto chunks = (bytes + chunk_bytes - 1) / chunk_bytes;
  auto n = static_cast<double>(total);
  std::string json = R"({"run_id":)" + quote(run->run_id) + R"(,"rows":)" + std::to_string(total) +
                     R"(,"bytes":)" + std::to_string(bytes) + R"(,"chunks":)" +
                     std::to_string(chunks) + R"(,"chunk_bytes":)" + std::to_string(chunk_bytes) +
                     R"(,"resource":)" + quote("sim://results/" + run->run_id + "/{chunk}") +
                     R"(,"mean_cmax_mg_L":)" + num_json(run->sum_cmax / n) +
                     R"(,"mean_auc_mg_h_L":)" + num_json(run->sum_auc / n) + "}";
  c.finish(structured("Population run " + run->run_id + ": " + std::to_string(total) +
                          " subject-replicates, " + std::to_string(bytes) +
                          " bytes of results in " + std::to_string(chunks) +
                          " chunks (get_population_results)",
                      json));
}

std::vector<tool_spec> tools(const std::shared_ptr<store>& s) {
  std::vector<tool_spec> t;
  t.push_back(
      {make_tool(
           "load_simulation", "Loads a PK model from a JSON file; returns a handle",
           R"({"type":"object","properties":{"path":{"type":"string","description":"Model file"}},"required":["path"]})"),
       [s](tool_invocation& c) {
         auto path = arg_string(c, "path");
         auto text = read_file(path);
         if (!text) {
           c.finish(error_result("Cannot read model file '" + path + "'"));
           return;
         }
         pk_model m;
         if (auto err = parse_model(*text, m)) {
           c.finish(error_result("Model file '" + path + "': " + *err));
           return;
         }
         auto handle = random_id();
         if (!save_handle(*s, handle, m)) {
           c.finish(error_result("Cannot store the handle under " + s->dir.string()));
           return;
         }
         c.finish(
             structured("Loaded '" + m.name + "' as " + handle,
                        R"({"handle":)" + quote(handle) + R"(,"model":)" + model_json(m) + "}"));
       }});
  t.push_back(
      {make_tool(
           "get_parameter_value", "Reads one model parameter",
           R"({"type":"object","properties":{"handle":{"type":"string"},"name":{"type":"string"}},"required":["handle","name"]})"),
       [s](tool_invocation& c) {
         auto m = model_of(*s, c);
         auto* value = m ? parameter_of(*m, c) : nullptr;
         if (value != nullptr) {
           auto name = arg_string(c, "name");
           c.finish(
               structured(name + " = " + num(*value),
                          R"({"name":)" + quote(name) + R"(,"value":)" + num_json(*value) + "}"));
         }
       }});
  t.push_back(
      {make_tool(
           "set_parameter_value", "Changes one model parameter (a positive number)",
           R"({"type":"object","properties":{"handle":{"type":"string"},"name":{"type":"string"},"value":{"type":"number","exclusiveMinimum":0}},"required":["handle","name","value"]})"),
       [s](tool_invocation& c) {
         auto m = model_of(*s, c);
         auto* value = m ? parameter_of(*m, c) : nullptr;
         if (value == nullptr) {
           return;
         }
         auto name = arg_string(c, "name");
         auto previous = *value;
         *value = arg_number(c, "value").value_or(previous);
         if (!save_handle(*s, arg_string(c, "handle"), *m)) {
           c.finish(error_result("Cannot store the handle"));
           return;
         }
         c.finish(structured(name + " = " + num(*value) + " (was " + num(previous) + ")",
                             R"({"name":)" + quote(name) + R"(,"value":)" + num(*value) +
                                 R"(,"previous":)" + num(previous) + "}"));
       }});
  t.push_back(
      {make_tool(
           "run_simulation", "Simulates one subject with the model's parameters",
           R"({"type":"object","properties":{"handle":{"type":"string"}},"required":["handle"]})",
           task_support::optional),
       [s](tool_invocation& c) {
         auto loaded = model_of(*s, c);
         if (!loaded) {
           return;
         }
         auto& m = *loaded;
         auto r = simulate(m, m.parameters);
         std::string series = "[";
         for (size_t i = 0; i < r.concentrations.size(); ++i) {
           series += (i > 0 ? "," : "") + num(r.concentrations[i]);
         }
         series += "]";
         c.finish(structured("Cmax " + num(r.cmax) + " mg/L at " + num(r.tmax_h) + " h; AUC " +
                                 num(r.auc) + " mg·h/L",
                             R"({"cmax_mg_L":)" + num(r.cmax) + R"(,"tmax_h":)" + num(r.tmax_h) +
                                 R"(,"auc_mg_h_L":)" + num(r.auc) + R"(,"step_h":)" +
                                 num(m.step_h) + R"(,"concentrations_mg_L":)" + series + "}"));
       }});
  t.push_back(
      {make_tool(
           "run_population_simulation",
           "Simulates subjects × replicates with fixed seeds (a job with progress); results go "
           "to a CSV read back with get_population_results",
           R"({"type":"object","properties":{"handle":{"type":"string"},"subjects":{"type":"integer","minimum":1,"maximum":1000000},"replicates":{"type":"integer","minimum":1,"maximum":1000},"seed":{"type":"integer","minimum":0},"config":{"type":"string","description":"Population config file: {subjects, replicates, seed}"}},"required":["handle"]})",
           task_support::optional),
       [s](tool_invocation& c) {
         auto loaded = model_of(*s, c);
         if (!loaded) {
           return;
         }
         auto run = std::make_shared<population_run>();
         run->files = *s;
         run->model = std::move(*loaded);
         run->subjects = 100;
         run->replicates = 1;
         run->seed = 1;
         if (auto config = arg_string(c, "config"); !config.empty()) {
           auto text = read_file(config);
           rapidjson::Document d;
           if (!text || parse_json(d, *text) || !d.IsObject()) {
             c.finish(error_result("Cannot read population config '" + config + "'"));
             return;
           }
           for (auto [key, to] : {std::pair{"subjects", &run->subjects},
                                  std::pair{"replicates", &run->replicates}}) {
             if (auto* v = find_member(d, key); v != nullptr && v->IsInt64() && v->GetInt64() > 0) {
               *to = v->GetInt64();
             }
           }
           if (auto* v = find_member(d, "seed"); v != nullptr && v->IsUint64()) {
             run->seed = v->GetUint64();
           }
         }
         if (auto v = arg_number(c, "subjects")) {
           run->subjects = static_cast<int64_t>(*v);
         }
         if (auto v = arg_number(c, "replicates")) {
           run->replicates = static_cast<int64_t>(*v);
         }
         if (auto v = arg_number(c, "seed")) {
           run->seed = static_cast<uint64_t>(*v);
         }
         run->run_id = random_id();
         run->out.open(s->run_file(run->run_id), std::ios::binary | std::ios::trunc);
         run->out << csv_header(run->model);
         if (!run->out) {
           c.finish(error_result("Cannot write results under " + s->dir.string()));
           return;
         }
         step(run, c);
       }});
  t.push_back(
      {make_tool(
           "get_population_results",
           "Reads a population run's CSV from `offset`, at most `length` bytes (a chunk)",
           R"({"type":"object","properties":{"run_id":{"type":"string"},"offset":{"type":"integer","minimum":0},"length":{"type":"integer","minimum":1,"maximum":8388608}},"required":["run_id"]})"),
       [s](tool_invocation& c) {
         auto run_id = arg_string(c, "run_id");
         std::ifstream in(valid_id(run_id) ? s->run_file(run_id) : fs::path(), std::ios::binary);
         if (!in) {
           c.finish(error_result("Unknown run '" + run_id + "'"));
           return;
         }
         in.seekg(0, std::ios::end);
         auto total = static_cast<uint64_t>(in.tellg());
         auto offset = static_cast<uint64_t>(arg_number(c, "offset").value_or(0));
         auto length = static_cast<uint64_t>(arg_number(c, "length").value_or(chunk_bytes));
         offset = std::min(offset, total);
         length = std::min(length, total - offset);
         // Not zero-filled first: the chunk is read straight into it, then quoted once.
         auto data = std::make_unique_for_overwrite<char[]>(length);
         in.seekg(static_cast<std::streamoff>(offset));
         in.read(data.get(), static_cast<std::streamsize>(length));
         length = static_cast<uint64_t>(std::max<std::streamsize>(in.gcount(), 0));
         auto next = offset + length;
         tool_result r;
         r.content.push_back(content::text(std::string_view(data.get(), length)));
         r.structured_json = R"({"run_id":)" + quote(run_id) + R"(,"offset":)" +
                             std::to_string(offset) + R"(,"bytes":)" + std::to_string(length) +
                             R"(,"total_bytes":)" + std::to_string(total) + R"(,"next_offset":)" +
                             (next < total ? std::to_string(next) : "null") + "}";
         c.finish(r);
       }});
  return t;
}

}  // namespace

plugin descriptor() {
  plugin p;
  p.name = "simulation";
  p.version = "1.0.0";
  p.status = "reference";
  p.description =
      "one-compartment PK model: load, parameters, single and population runs, chunked results";
  p.settings = {setting_spec{"simulation.resultsDir", setting_type::string, std::string(), 0, 0,
                             "where handles and population results are written (shared by the "
                             "workers of a pool); default <state.directory>/simulation"}};
  p.start = [](plugin_context& ctx) -> caf::error {
    auto s = std::make_shared<store>();
    s->dir = ctx.settings().string("resultsDir", "");
    if (s->dir.empty()) {
      s->dir = fs::path(ctx.state_directory()) / "simulation";
    }
    std::error_code ec;
    fs::create_directories(s->dir / "handles", ec);
    fs::create_directories(s->dir / "runs", ec);
    if (ec) {
      return caf::make_error(
          caf::sec::invalid_argument,
          "simulation.resultsDir '" + s->dir.string() + "' cannot be created: " + ec.message());
    }
    if (auto err = ctx.add_tools(tools(s))) {
      return err;
    }
    resource_template_definition chunk;
    chunk.uri_template = "sim://results/{run}/{chunk}";
    chunk.name = "population-results-chunk";
    chunk.description = "One 1 MiB chunk of a population run's CSV (chunk 0, 1, ...)";
    chunk.mime_type = "text/csv";
    return ctx.add_resources(
        {}, {{chunk, [s](resource_request& r) {
                auto run = r.variables().at("run");
                auto index = r.variables().at("chunk");
                std::ifstream in(valid_id(run) ? s->run_file(run) : fs::path(), std::ios::binary);
                if (!in || index.empty() ||
                    index.find_first_not_of("0123456789") != std::string::npos ||
                    index.size() > 9) {
                  r.not_found();
                  return;
                }
                std::string data(chunk_bytes, '\0');
                in.seekg(static_cast<std::streamoff>(std::stoull(index) * chunk_bytes));
                in.read(data.data(), chunk_bytes);
                data.resize(static_cast<size_t>(in.gcount()));
                if (data.empty() && index != "0") {
                  r.not_found();  // Past the run's last chunk.
                  return;
                }
                r.finish({{r.uri(), "text/csv", data, false}});
              }}});
  };
  return p;
}

}  // namespace mcprt::plugins::simulation
