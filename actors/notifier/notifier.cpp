// Notifier shards: each owns the subscriber lists of its topics and runs the fan-out loop.
#include "actors/notifier/notifier.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <functional>
#include <unordered_map>

#include "runtime/io/wake_gathering.hpp"

namespace mcprt::actors::notifier {

namespace {

struct shard_subscribe {
  std::string topic;
  std::shared_ptr<outbox> box;
  bool add = true;
};

struct shard_publish {
  std::string topic;
  note_ptr note;
  overflow_policy policy;
};

}  // namespace

}  // namespace mcprt::actors::notifier

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::notifier::shard_subscribe)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mcprt::actors::notifier::shard_publish)

namespace mcprt::actors::notifier {

bool federated_topic(std::string_view topic) {
  return !topic.starts_with("list:") && !topic.starts_with("tasks:");
}

// The cluster's side, if any: set once at start, read by shards and publishers.
struct federation_slot {
  std::shared_mutex mutex;
  std::shared_ptr<topic_federation> link;
  std::shared_ptr<topic_federation> get() {
    std::shared_lock<std::shared_mutex> g(mutex);
    return link;
  }
};

namespace {

struct shard_state {
  size_t index = 0;
  std::shared_ptr<notifier::topic_map> topics;
  std::shared_ptr<federation_slot> federation;
  static inline const char* name = "mcprt.notifier";
};

// `index` only names the shard; it also keeps this a spawn with arguments, which avoids a
// null-reference UBSan report inside CAF 0.17's init_fun_factory for argument-less spawns.
// The node's interest in `topic` changed: its peers learn it (one interest per topic per node).
void interest_changed(shard_state& st, const std::string& topic, bool wanted) {
  if (!federated_topic(topic)) {
    return;
  }
  if (auto link = st.federation->get()) {
    link->local_interest(topic, wanted);
  }
}

caf::behavior shard_impl(caf::stateful_actor<shard_state>* self, size_t index,
                         std::shared_ptr<notifier::topic_map> topics,
                         std::shared_ptr<federation_slot> federation) {
  self->state.index = index;
  self->state.topics = std::move(topics);
  self->state.federation = std::move(federation);
  return {
      [self](shard_subscribe& s) {
        auto& topics = *self->state.topics;
        if (s.add && !topics.contains(s.topic)) {
          interest_changed(self->state, s.topic, true);
        }
        auto& subs = topics[s.topic];
        auto it = std::find(subs.begin(), subs.end(), s.box);
        if (s.add && it == subs.end()) {
          subs.push_back(std::move(s.box));
        } else if (!s.add && it != subs.end()) {
          *it = std::move(subs.back());
          subs.pop_back();
        }
        if (subs.empty()) {
          topics.erase(s.topic);
          interest_changed(self->state, s.topic, false);
        }
      },
      [self](shard_publish& p) {
        auto& topics = *self->state.topics;
        auto found = topics.find(p.topic);
        if (found == topics.end()) {
          return;
        }
        auto& subs = found->second;
        // Closed subscribers (gone, or disconnected by policy) leave on the next publish. Their
        // writers' wakes go to each I/O thread in runs, not one lock each.
        bool any_closed = false;
        {
          wake_gathering gathered;
          any_closed = offer_each(subs, p.note, p.policy);
        }
        if (any_closed) {
          std::erase_if(subs, [](const std::shared_ptr<outbox>& box) { return box->closed(); });
        }
        if (subs.empty()) {
          auto topic = found->first;
          topics.erase(found);
          interest_changed(self->state, topic, false);
        }
      },
  };
}

}  // namespace

notifier::notifier(caf::actor_system& sys, size_t shards, std::shared_ptr<mcprt::metrics> metrics)
    : system_(sys), federation_(std::make_shared<federation_slot>()), metrics_(std::move(metrics)) {
  shards = std::max<size_t>(1, shards);
  for (size_t i = 0; i < shards; ++i) {
    topics_.push_back(std::make_shared<topic_map>());
    shards_.push_back(sys.spawn(shard_impl, i, topics_.back(), federation_));
  }
}

notifier::~notifier() = default;

caf::actor notifier::shard_for(const std::string& topic) const {
  std::shared_lock<std::shared_mutex> g(shards_mutex_);
  return shards_[std::hash<std::string>{}(topic) % shards_.size()];
}

void notifier::subscribe(const std::string& topic, std::shared_ptr<outbox> box) {
  caf::anon_send(shard_for(topic), shard_subscribe{topic, std::move(box), true});
}

void notifier::unsubscribe(const std::string& topic, const std::shared_ptr<outbox>& box) {
  caf::anon_send(shard_for(topic), shard_subscribe{topic, box, false});
}

void notifier::publish(const std::string& topic, note_ptr note, overflow_policy policy) {
  if (metrics_) {
    metrics_->notification_outcome("published");
  }
  if (federated_topic(topic)) {
    if (auto link = federation_->get()) {
      link->published(topic, note, policy);
    }
  }
  caf::anon_send(shard_for(topic), shard_publish{topic, std::move(note), policy});
}

void notifier::deliver(const std::string& topic, note_ptr note, overflow_policy policy) {
  caf::anon_send(shard_for(topic), shard_publish{topic, std::move(note), policy});
}

void notifier::federate(std::shared_ptr<topic_federation> f) {
  std::unique_lock<std::shared_mutex> g(federation_->mutex);
  federation_->link = std::move(f);
}

void notifier::stop() {
  std::shared_lock<std::shared_mutex> g(shards_mutex_);
  for (auto& s : shards_) {
    caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  }
}

std::vector<caf::actor_addr> notifier::shard_addresses() const {
  std::shared_lock<std::shared_mutex> g(shards_mutex_);
  std::vector<caf::actor_addr> out;
  for (const auto& s : shards_) {
    out.push_back(s.address());
  }
  return out;
}

caf::actor_addr notifier::replace_shard(const caf::actor_addr& dead) {
  std::unique_lock<std::shared_mutex> g(shards_mutex_);
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (shards_[i].address() != dead) {
      continue;
    }
    // The dead shard has ended (its down message is why we are here): its map is ours now.
    // A handler that threw may have left a moved-from entry; drop those and closed boxes.
    auto& topics = *topics_[i];
    for (auto it = topics.begin(); it != topics.end();) {
      std::erase_if(it->second, [](const std::shared_ptr<outbox>& b) { return !b || b->closed(); });
      it = it->second.empty() ? topics.erase(it) : std::next(it);
    }
    shards_[i] = system_.spawn(shard_impl, i, topics_[i], federation_);
    return shards_[i].address();
  }
  return {};
}

}  // namespace mcprt::actors::notifier
