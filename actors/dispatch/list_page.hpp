// One page of a list result (tools, resources, templates, prompts): cursor decoding, the
// page, `nextCursor`, and the cache hints of 2026-07-28. Shared by every list method.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "actors/dispatch/dispatcher.hpp"
#include "runtime/codec/base64.hpp"
#include "runtime/codec/json.hpp"

namespace mcprt::actors::dispatch {

/// `,"ttlMs":N,"cacheScope":"public"` for modern requests (`"private"` when the list was
/// filtered for the caller), nothing for legacy ones.
std::string cache_members(const request_info& info, const server_profile& profile,
                          bool per_caller = false);

/// Answers a list request with the page of `items` (sorted by `key`) after the cursor,
/// leaving out those `visible` refuses (what the caller may not use). A cursor is the base64
/// of `tag` + the last key served, so it survives catalog changes.
template <class Entry, class Key>
void list_page(const rpc::message& msg, const responder& out, const server_profile& profile,
               const std::vector<Entry>& items, Key key, std::string_view member, char tag,
               const std::function<bool(const Entry&)>& visible = {}) {
  size_t start = 0;
  if (msg.params) {
    if (auto* cursor = find_member(*msg.params, "cursor"); cursor != nullptr) {
      auto last = cursor->IsString() ? base64_decode(cursor->GetString()) : std::nullopt;
      if (!last || last->empty() || last->front() != tag) {
        out.error(make_error(rpc_code::invalid_params, "Invalid cursor"));
        return;
      }
      std::string_view after = std::string_view(*last).substr(1);
      start = static_cast<size_t>(
          std::find_if(items.begin(), items.end(), [&](const Entry& e) { return key(e) > after; }) -
          items.begin());
    }
  }
  std::string result = "{" + quote(member) + ":[";
  size_t served = 0;
  const Entry* last = nullptr;
  bool more = false;
  for (size_t i = start; i < items.size(); ++i) {
    if (visible && !visible(items[i])) {
      continue;
    }
    if (served == profile.page_size) {
      more = true;
      break;
    }
    result += (served > 0 ? "," : "") + items[i].listing_json;
    ++served;
    last = &items[i];
  }
  result += ']';
  if (more && last != nullptr) {
    result += R"(,"nextCursor":)" + quote(base64_encode(tag + std::string(key(*last))));
  }
  result += cache_members(out.info(), profile, static_cast<bool>(visible));
  result += '}';
  out.result(result);
}

/// What a caller may see of a list: the entries whose `method` (tools/call, resources/read,
/// prompts/get) the scope policy allows it; empty (everything) without a policy or caller.
template <class Entry>
std::function<bool(const Entry&)> visible_to(const responder& out, const dispatch_env& env,
                                             std::string_view method) {
  const auto& caller = out.info().caller;
  if (env.scopes == nullptr || caller.anonymous()) {
    return {};
  }
  return [policy = env.scopes, caller, method](const Entry& e) {
    if constexpr (requires { e.definition.uri; }) {
      return policy->allows(caller, method, e.definition.uri);
    } else {
      return policy->allows(caller, method, e.definition.name);
    }
  };
}

}  // namespace mcprt::actors::dispatch
