#include "actors/cluster/federation.hpp"

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <deque>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include "actors/cluster/cluster_metrics.hpp"
#include "actors/cluster/wire.hpp"

namespace mcprt::actors::cluster {

/// notifier -> federator: the node's interest in a topic changed.
struct fed_interest {
  std::string topic;
  bool wanted = false;
};
/// notifier -> federator: a note published here that some peer wants.
struct fed_publish {
  std::string topic;
  note_ptr note;
  overflow_policy policy = overflow_policy::coalesce;
};

}  // namespace mcprt::actors::cluster

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::cluster::fed_interest)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::cluster::fed_publish)

namespace mcprt::actors::cluster {

namespace {

// The topics some peer wants, for publishers to test without a message per publish.
class wanted_topics {
 public:
  bool contains(const std::string& topic) const {
    std::shared_lock<std::shared_mutex> g(mutex_);
    return topics_.contains(topic);
  }
  void set(std::unordered_set<std::string> topics) {
    std::unique_lock<std::shared_mutex> g(mutex_);
    topics_ = std::move(topics);
  }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_set<std::string> topics_;
};

class link final : public notifier::topic_federation {
 public:
  link(caf::actor federator, std::shared_ptr<const wanted_topics> wanted)
      : federator_(std::move(federator)), wanted_(std::move(wanted)) {}
  void local_interest(const std::string& topic, bool wanted) override {
    caf::anon_send(federator_, fed_interest{topic, wanted});
  }
  void published(const std::string& topic, const note_ptr& note, overflow_policy policy) override {
    if (wanted_->contains(topic)) {
      caf::anon_send(federator_, fed_publish{topic, note, policy});
    }
  }

 private:
  caf::actor federator_;
  std::shared_ptr<const wanted_topics> wanted_;
};

struct peer_link {
  caf::actor gateway;  // While up.
  std::unordered_set<std::string> topics;
  uint64_t sent = 0;      // Note bytes sent since the link came up.
  uint64_t acked = 0;     // Of those, acknowledged.
  uint64_t received = 0;  // Note bytes it sent us.
  uint64_t acked_to = 0;  // Of those, acknowledged back.
  std::deque<fed_publish> waiting;
};

struct federator_state {
  federation_options options;
  std::shared_ptr<notifier::notifier> notes;
  std::shared_ptr<cluster_metrics> metrics;
  std::shared_ptr<wanted_topics> wanted;
  std::unordered_set<std::string> local;  // Topics with local subscribers.
  std::unordered_map<std::string, peer_link> peers;
  static inline const char* name = "mcprt.cluster.federator";
};

using federator_actor = caf::stateful_actor<federator_state>;

void refresh_wanted(federator_state& st) {
  std::unordered_set<std::string> all;
  for (const auto& [name, p] : st.peers) {
    all.insert(p.topics.begin(), p.topics.end());
  }
  st.wanted->set(std::move(all));
}

uint64_t in_flight(const peer_link& p) {
  return p.sent > p.acked ? p.sent - p.acked : 0;
}

void send_note(federator_actor* self, const std::string& name, peer_link& p, fed_publish& n) {
  const auto& note = *n.note;
  self->send(p.gateway, wire::remote_note{self->state.options.node, p.sent, n.topic, note.text,
                                          note.params_close, note.params_empty, note.coalesce_key,
                                          static_cast<uint8_t>(n.policy)});
  p.sent += note.text.size();
  self->state.metrics->notes_sent.Add({{"peer", name}}).Increment();
}

void flush(federator_actor* self, const std::string& name, peer_link& p) {
  while (!p.waiting.empty() && in_flight(p) < self->state.options.window_bytes) {
    send_note(self, name, p, p.waiting.front());
    p.waiting.pop_front();
  }
}

void dropped(federator_actor* self, const std::string& name, double n = 1) {
  self->state.metrics->notes_dropped.Add({{"peer", name}}).Increment(n);
}

// Past the window the note waits; a full queue applies the topic's policy.
void offer(federator_actor* self, const std::string& name, peer_link& p, fed_publish n) {
  auto& st = self->state;
  if (p.waiting.empty() && in_flight(p) < st.options.window_bytes) {
    return send_note(self, name, p, n);
  }
  if (n.policy == overflow_policy::coalesce && !n.note->coalesce_key.empty()) {
    for (auto& w : p.waiting) {
      if (w.topic == n.topic && w.note->coalesce_key == n.note->coalesce_key) {
        w = std::move(n);  // The latest counts.
        return dropped(self, name);
      }
    }
  }
  if (p.waiting.size() >= st.options.queue_notes) {
    if (n.policy == overflow_policy::disconnect) {
      return dropped(self, name);  // The peer's subscribers cannot be told apart from here.
    }
    p.waiting.pop_front();
    dropped(self, name);
  }
  p.waiting.push_back(std::move(n));
}

void tell_interest(federator_actor* self, peer_link& p, wire::interest_op op,
                   std::vector<std::string> topics) {
  self->send(p.gateway,
             wire::interest{self->state.options.node, static_cast<uint8_t>(op), std::move(topics)});
}

caf::behavior federator(federator_actor* self, federation_options options,
                        std::shared_ptr<notifier::notifier> notes,
                        std::shared_ptr<cluster_metrics> metrics,
                        std::shared_ptr<wanted_topics> wanted) {
  auto& st = self->state;
  st.options = std::move(options);
  st.notes = std::move(notes);
  st.metrics = std::move(metrics);
  st.wanted = std::move(wanted);
  return {
      [=](fed_interest& i) {
        auto& s = self->state;
        bool changed = i.wanted ? s.local.insert(i.topic).second : s.local.erase(i.topic) > 0;
        if (!changed) {
          return;
        }
        auto op = i.wanted ? wire::interest_op::add : wire::interest_op::remove;
        for (auto& [name, p] : s.peers) {
          if (p.gateway) {
            tell_interest(self, p, op, {i.topic});
          }
        }
      },
      [=](fed_publish& n) {
        for (auto& [name, p] : self->state.peers) {
          if (p.gateway && p.topics.contains(n.topic)) {
            offer(self, name, p, n);
          } else if (!p.gateway && p.topics.contains(n.topic)) {
            dropped(self, name);
          }
        }
      },
      [=](fed_up_atom, const std::string& name, caf::actor gateway) {
        auto& s = self->state;
        auto& p = s.peers[name];
        if (!p.waiting.empty()) {
          dropped(self, name, static_cast<double>(p.waiting.size()));
        }
        // A new link: counts start over. Interests it sent before we saw it up are kept (its
        // replace after its own hello may arrive first).
        auto topics = std::move(p.topics);
        p = peer_link{};
        p.topics = std::move(topics);
        p.gateway = std::move(gateway);
        tell_interest(self, p, wire::interest_op::replace, {s.local.begin(), s.local.end()});
        refresh_wanted(s);
      },
      [=](fed_down_atom, const std::string& name) {
        auto& s = self->state;
        auto it = s.peers.find(name);
        if (it == s.peers.end()) {
          return;
        }
        if (!it->second.waiting.empty()) {
          dropped(self, name, static_cast<double>(it->second.waiting.size()));
        }
        s.peers.erase(it);
        refresh_wanted(s);
      },
      [=](wire::interest& i) {
        auto& s = self->state;
        auto& topics = s.peers[i.from].topics;  // Perhaps before we see it up.
        switch (static_cast<wire::interest_op>(i.op)) {
          case wire::interest_op::replace:
            topics.clear();
            [[fallthrough]];
          case wire::interest_op::add:
            topics.insert(i.topics.begin(), i.topics.end());
            break;
          case wire::interest_op::remove:
            for (const auto& t : i.topics) {
              topics.erase(t);
            }
            break;
        }
        refresh_wanted(s);
      },
      [=](wire::remote_note& n) {
        auto& s = self->state;
        auto note = std::make_shared<shared_note>();
        note->text = std::move(n.text);
        note->params_close = static_cast<size_t>(n.params_close);
        note->params_empty = n.params_empty;
        note->coalesce_key = std::move(n.coalesce_key);
        auto size = note->text.size();
        s.notes->deliver(n.topic, std::move(note), static_cast<overflow_policy>(n.policy));
        auto it = s.peers.find(n.from);
        if (it == s.peers.end() || !it->second.gateway) {
          return;
        }
        auto& p = it->second;
        p.received += size;
        // A quarter window at a time: the sender never waits in steady flow. The ack names
        // the sender's own count (its `seq`), so the two sides never disagree on the base.
        if (p.received - p.acked_to >= s.options.window_bytes / 4) {
          p.acked_to = p.received;
          self->send(p.gateway, wire::notes_ack{s.options.node, n.seq + size});
        }
      },
      [=](const wire::notes_ack& a) {
        auto& s = self->state;
        auto it = s.peers.find(a.from);
        if (it != s.peers.end() && it->second.gateway) {
          it->second.acked = a.upto;
          flush(self, a.from, it->second);
        }
      },
  };
}

}  // namespace

caf::actor start_federation(caf::actor_system& sys, federation_options options,
                            std::shared_ptr<notifier::notifier> notes,
                            std::shared_ptr<cluster_metrics> metrics) {
  auto wanted = std::make_shared<wanted_topics>();
  auto f = sys.spawn(federator, std::move(options), notes, std::move(metrics), wanted);
  notes->federate(std::make_shared<link>(f, wanted));
  return f;
}

}  // namespace mcprt::actors::cluster
