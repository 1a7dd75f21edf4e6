// Strict like the rest of the config: unknown keys, wrong types and bad bounds are errors that
// name the entry, so a typo never silently starts a different pool.
#include "config/adapters.hpp"

#include <set>

namespace mcprt::config {

namespace {

std::optional<std::string> read_entry(const rapidjson::Value& v, adapter_config& a,
                                      const std::string& where) {
  if (!v.IsObject()) {
    return where + " must be an object";
  }
  auto integer = [&](const char* key, int64_t& to, int64_t lo, int64_t hi,
                     const rapidjson::Value& x) -> std::optional<std::string> {
    if (!x.IsInt64() || x.GetInt64() < lo || x.GetInt64() > hi) {
      return where + "." + key + " must be an integer from " + std::to_string(lo) + " to " +
             std::to_string(hi);
    }
    to = x.GetInt64();
    return std::nullopt;
  };
  auto text = [&](const char* key, std::string& to,
                  const rapidjson::Value& x) -> std::optional<std::string> {
    if (!x.IsString()) {
      return where + "." + key + " must be a string";
    }
    to.assign(x.GetString(), x.GetStringLength());
    return std::nullopt;
  };
  for (const auto& m : v.GetObject()) {
    std::string key(m.name.GetString(), m.name.GetStringLength());
    const auto& x = m.value;
    std::optional<std::string> err;
    if (key == "name") {
      err = text("name", a.name, x);
    } else if (key == "command") {
      err = text("command", a.command, x);
    } else if (key == "cwd") {
      err = text("cwd", a.cwd, x);
    } else if (key == "toolPrefix") {
      err = text("toolPrefix", a.tool_prefix, x);
    } else if (key == "affinity") {
      err = text("affinity", a.affinity, x);
      if (!err && a.affinity != "none" && a.affinity != "session") {
        err = where + R"(.affinity must be "none" or "session")";
      }
    } else if (key == "taskSupport") {
      err = text("taskSupport", a.task_support, x);
      if (!err && a.task_support != "forbidden" && a.task_support != "optional" &&
          a.task_support != "required") {
        err = where + R"(.taskSupport must be "forbidden", "optional" or "required")";
      }
    } else if (key == "args") {
      if (!x.IsArray()) {
        err = where + ".args must be an array of strings";
      } else {
        for (const auto& e : x.GetArray()) {
          if (!e.IsString()) {
            return where + ".args must be an array of strings";
          }
          a.args.emplace_back(e.GetString(), e.GetStringLength());
        }
      }
    } else if (key == "env") {
      if (!x.IsObject()) {
        err = where + ".env must be an object of strings";
      } else {
        for (const auto& e : x.GetObject()) {
          if (!e.value.IsString()) {
            return where + ".env must be an object of strings";
          }
          a.env[e.name.GetString()] = e.value.GetString();
        }
      }
    } else if (key == "inheritEnv") {
      if (!x.IsArray()) {
        err = where + ".inheritEnv must be an array of variable names";
      } else {
        for (const auto& e : x.GetArray()) {
          if (!e.IsString() || e.GetStringLength() == 0) {
            return where + ".inheritEnv must be an array of variable names";
          }
          a.inherit_env.emplace_back(e.GetString(), e.GetStringLength());
        }
      }
    } else if (key == "minWorkers") {
      err = integer("minWorkers", a.min_workers, 0, 256, x);
    } else if (key == "maxWorkers") {
      err = integer("maxWorkers", a.max_workers, 1, 256, x);
    } else if (key == "maxInflightPerWorker") {
      err = integer("maxInflightPerWorker", a.max_inflight_per_worker, 1, 100000, x);
    } else if (key == "callTimeoutMs") {
      err = integer("callTimeoutMs", a.call_timeout_ms, 1, 604800000, x);
    } else if (key == "startTimeoutMs") {
      err = integer("startTimeoutMs", a.start_timeout_ms, 100, 600000, x);
    } else {
      err = "unknown key '" + key + "' in " + where;
    }
    if (err) {
      return err;
    }
  }
  if (a.name.empty() ||
      a.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    return where + ".name must be lowercase letters, digits, '_' or '-'";
  }
  if (a.command.empty()) {
    return where + " (" + a.name + ") needs a \"command\"";
  }
  if (a.min_workers > a.max_workers) {
    return where + " (" + a.name + "): minWorkers is above maxWorkers";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> parse_adapters(const rapidjson::Value& array,
                                          std::vector<adapter_config>& out) {
  if (!array.IsArray()) {
    return "adapters must be an array of objects";
  }
  std::set<std::string> names;
  out.clear();
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    adapter_config a;
    if (auto err = read_entry(array[i], a, "adapters[" + std::to_string(i) + "]")) {
      return err;
    }
    if (!names.insert(a.name).second) {
      return "adapters: the name '" + a.name + "' is used twice";
    }
    out.push_back(std::move(a));
  }
  return std::nullopt;
}

}  // namespace mcprt::config
