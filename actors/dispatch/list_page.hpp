// One page of a list result (tools, resources, templates, prompts): cursor decoding, the
// page, `nextCursor`, and the cache hints of 2026-07-28. Shared by every list method.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "actors/dispatch/dispatcher.hpp"
#include "runtime/codec/base64.hpp"
#include "runtime/codec/json.hpp"

namespace mcprt::actors::dispatch {

/// `,"ttlMs":N,"cacheScope":"public"` for modern requests, nothing for legacy ones.
std::string cache_members(const request_info& info, const server_profile& profile);

/// Answers a list request with the page of `items` (sorted by `key`) after the cursor.
/// A cursor is the base64 of `tag` + the last key served, so it survives catalog changes.
template <class Entry, class Key>
void list_page(const rpc::message& msg, const responder& out, const server_profile& profile,
               const std::vector<Entry>& items, Key key, std::string_view member, char tag) {
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
  size_t end = std::min(items.size(), start + profile.page_size);
  std::string result = "{" + quote(member) + ":[";
  for (size_t i = start; i < end; ++i) {
    result += (i > start ? "," : "") + items[i].listing_json;
  }
  result += ']';
  if (end < items.size()) {
    result += R"(,"nextCursor":)" + quote(base64_encode(tag + std::string(key(items[end - 1]))));
  }
  result += cache_members(out.info(), profile);
  result += '}';
  out.result(std::move(result));
}

}  // namespace mcprt::actors::dispatch
