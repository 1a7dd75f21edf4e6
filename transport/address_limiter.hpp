// Counts open connections per client address so that one address cannot hold every descriptor
// (limits.maxConnectionsPerAddress). Not a rate limiter: it bounds what is open at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace mcprt::transport {

/// Open connections per address, against a cap. Thread-safe (every I/O thread accepts).
class address_limiter : public std::enable_shared_from_this<address_limiter> {
 public:
  /// A connection's place in the count; dropping the last copy gives the place back.
  using slot = std::shared_ptr<void>;

  /// `per_address` 0 means no cap.
  explicit address_limiter(size_t per_address) : cap_(per_address) {}

  /// A slot for one more connection from `address`, or nullptr when the address already holds
  /// the cap's number of connections. Without a cap every connection gets a slot; it is
  /// counted all the same, so a cap set later (SIGHUP) knows what is open.
  slot admit(const std::string& address);

  /// A new cap (0: none) for the connections admitted from now on; open ones keep their slots.
  void set_cap(size_t per_address) { cap_.store(per_address, std::memory_order_relaxed); }

  /// Connections counted for `address` (for tests).
  size_t open(const std::string& address) const;

 private:
  // One counted connection.
  struct held {
    held(std::shared_ptr<address_limiter> o, std::string a)
        : owner(std::move(o)), address(std::move(a)) {}
    ~held();
    std::shared_ptr<address_limiter> owner;
    std::string address;
  };

  void release(const std::string& address);

  std::atomic<size_t> cap_;
  mutable std::mutex mutex_;
  std::map<std::string, size_t, std::less<>> open_;
};

}  // namespace mcprt::transport
