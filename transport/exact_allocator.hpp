// An allocator for an asynchronous wait that may last as long as a client is idle. Asio
// allocates an operation through its handler's allocator; for std::allocator it reuses the
// thread's recycled blocks, which are as large as the largest operation that left them (a
// WebSocket handshake's write: about a kilobyte), and an idle connection would hold one for
// its whole wait. With this allocator the wait takes exactly its own size.
#pragma once

#include <cstddef>
#include <new>

namespace mcprt::transport {

template <class T>
struct exact_allocator {
  using value_type = T;

  exact_allocator() = default;
  template <class U>
  exact_allocator(const exact_allocator<U>&) noexcept {}  // NOLINT: rebinding converts.

  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p); }

  template <class U>
  bool operator==(const exact_allocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace mcprt::transport
