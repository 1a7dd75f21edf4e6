// The built-in method table; the handlers live beside the state they read.
#include "actors/dispatch/method_table.hpp"

namespace mcprt::actors::dispatch {

void add_core_methods(method_table& table);  // dispatcher.cpp

const method_table& method_table::builtin() {
  static const method_table table = [] {
    method_table t;
    add_core_methods(t);
    add_resource_methods(t);
    add_task_methods(t);
    // Served by a 2025 session itself: the front opens the session with initialize, and a
    // session that gets it again refuses it.
    t.add({"initialize",
           in_legacy,
           method_scope::session,
           true,
           {},
           {},
           [](session_scope&, const rpc::message&, const responder& out) {
             out.error(make_error(rpc_code::invalid_request,
                                  "Invalid Request: the session is already initialized"));
           }});
    t.add({"logging/setLevel",
           in_legacy,
           method_scope::session,
           false,
           {},
           {},
           [](session_scope& s, const rpc::message& msg, const responder& out) {
             s.set_level(msg, out);
           }});
    t.add({"resources/subscribe",
           in_legacy,
           method_scope::session,
           false,
           {},
           {},
           [](session_scope& s, const rpc::message& msg, const responder& out) {
             s.subscribe(msg, out);
           }});
    t.add({"resources/unsubscribe",
           in_legacy,
           method_scope::session,
           false,
           {},
           {},
           [](session_scope& s, const rpc::message& msg, const responder& out) {
             s.unsubscribe(msg, out);
           }});
    // Served by the front, which holds the stream (no handler here).
    t.add({"subscriptions/listen", in_modern, method_scope::stateless, true, {}, {}});
    return t;
  }();
  return table;
}

const method_entry* method_table::find(std::string_view method) const {
  auto it = entries_.find(method);
  return it == entries_.end() ? nullptr : &it->second;
}

const method_entry* method_table::find(std::string_view method, era e) const {
  const auto* entry = find(method);
  return entry != nullptr && entry->in(e) ? entry : nullptr;
}

void method_table::add(method_entry entry) {
  auto name = entry.name;
  entries_.insert_or_assign(std::move(name), std::move(entry));
}

}  // namespace mcprt::actors::dispatch
