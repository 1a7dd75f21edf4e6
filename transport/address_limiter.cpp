// The per-address connection count: a map of counts, and slots that give their place back.
#include "transport/address_limiter.hpp"

namespace mcprt::transport {

address_limiter::slot address_limiter::admit(const std::string& address) {
  auto cap = cap_.load(std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> g(mutex_);
    auto& n = open_[address];
    if (cap != 0 && n >= cap) {
      return nullptr;
    }
    ++n;
  }
  // The slot keeps the limiter alive: a connection may outlive the server's own copy.
  return std::make_shared<held>(shared_from_this(), address);
}

size_t address_limiter::open(const std::string& address) const {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

address_limiter::held::~held() {
  owner->release(address);
}

void address_limiter::release(const std::string& address) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = open_.find(address);
  if (it != open_.end() && --it->second == 0) {
    open_.erase(it);
  }
}

}  // namespace mcprt::transport
