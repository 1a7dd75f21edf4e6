// Notifier shards: each owns the subscriber lists of its topics and runs the fan-out loop.
#include "actors/notifier/notifier.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <functional>
#include <unordered_map>

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

namespace {

struct shard_state {
  size_t index = 0;
  std::unordered_map<std::string, std::vector<std::shared_ptr<outbox>>> topics;
  static inline const char* name = "mcprt.notifier";
};

// `index` only names the shard; it also keeps this a spawn with arguments, which avoids a
// null-reference UBSan report inside CAF 0.17's init_fun_factory for argument-less spawns.
caf::behavior shard_impl(caf::stateful_actor<shard_state>* self, size_t index) {
  self->state.index = index;
  return {
      [self](shard_subscribe& s) {
        auto& subs = self->state.topics[s.topic];
        auto it = std::find(subs.begin(), subs.end(), s.box);
        if (s.add && it == subs.end()) {
          subs.push_back(std::move(s.box));
        } else if (!s.add && it != subs.end()) {
          *it = std::move(subs.back());
          subs.pop_back();
        }
        if (subs.empty()) {
          self->state.topics.erase(s.topic);
        }
      },
      [self](shard_publish& p) {
        auto found = self->state.topics.find(p.topic);
        if (found == self->state.topics.end()) {
          return;
        }
        auto& subs = found->second;
        // Closed subscribers (gone, or disconnected by policy) leave on the next publish.
        std::erase_if(subs, [&](const std::shared_ptr<outbox>& box) {
          return box->offer(p.note, p.policy) == offer_outcome::closed;
        });
        if (subs.empty()) {
          self->state.topics.erase(found);
        }
      },
  };
}

}  // namespace

notifier::notifier(caf::actor_system& sys, size_t shards, std::shared_ptr<mcprt::metrics> metrics)
    : metrics_(std::move(metrics)) {
  shards = std::max<size_t>(1, shards);
  for (size_t i = 0; i < shards; ++i) {
    shards_.push_back(sys.spawn(shard_impl, i));
  }
}

notifier::~notifier() = default;

const caf::actor& notifier::shard_for(const std::string& topic) const {
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
  caf::anon_send(shard_for(topic), shard_publish{topic, std::move(note), policy});
}

void notifier::stop() {
  for (auto& s : shards_) {
    caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  }
}

}  // namespace mcprt::actors::notifier
