// A double-ended queue that holds no memory until its first item and then only a power of two
// of slots, for queues that are nearly always short: a subscriber's outbox lanes. std::deque
// allocates a 512-byte block and its map as soon as it is made, which at thousands of
// subscribers is a kilobyte each for queues that hold one note at a time.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>

namespace mcprt {
inline namespace io {

/// `kept_slots`: the most slots an emptied queue keeps; one that grew past it gives its slots
/// back when it empties (0: whenever it empties, for queues that are rarely used).
template <class T, size_t kept_slots = 16>
class ring_queue {
 public:
  /// A bidirectional iterator over the queue, front to back.
  template <class Q, class V>
  class basic_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = V*;
    using reference = V&;

    basic_iterator() = default;
    basic_iterator(Q* q, size_t i) : q_(q), i_(i) {}
    reference operator*() const { return (*q_)[i_]; }
    pointer operator->() const { return &(*q_)[i_]; }
    basic_iterator& operator++() {
      ++i_;
      return *this;
    }
    basic_iterator operator++(int) {
      auto old = *this;
      ++i_;
      return old;
    }
    basic_iterator& operator--() {
      --i_;
      return *this;
    }
    basic_iterator operator--(int) {
      auto old = *this;
      --i_;
      return old;
    }
    bool operator==(const basic_iterator& o) const { return i_ == o.i_; }
    size_t index() const { return i_; }

   private:
    Q* q_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = basic_iterator<ring_queue, T>;
  using const_iterator = basic_iterator<const ring_queue, const T>;
  using reverse_iterator = std::reverse_iterator<iterator>;

  ring_queue() = default;
  ring_queue(ring_queue&&) = delete;  // Only ever a member; nothing moves it.

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// Slots held now (0 until the first item, and again once given back).
  size_t capacity() const { return capacity_; }
  T& operator[](size_t i) { return slots_[(head_ + i) & (capacity_ - 1)]; }
  const T& operator[](size_t i) const { return slots_[(head_ + i) & (capacity_ - 1)]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }

  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }
  reverse_iterator rbegin() { return reverse_iterator(end()); }
  reverse_iterator rend() { return reverse_iterator(begin()); }

  void push_back(T item) {
    grow_if_full();
    (*this)[size_++] = std::move(item);
  }
  void push_front(T item) {
    grow_if_full();
    head_ = (head_ + capacity_ - 1) & (capacity_ - 1);
    ++size_;
    front() = std::move(item);
  }
  void pop_front() {
    front() = T();  // What the item holds is released now, not when the slot is reused.
    head_ = (head_ + 1) & (capacity_ - 1);
    --size_;
    release_if_large_and_empty();
  }
  /// Removes the item at `at`; the items behind it move up. Returns the iterator to the next.
  iterator erase(iterator at) {
    for (auto i = at.index(); i + 1 < size_; ++i) {
      (*this)[i] = std::move((*this)[i + 1]);
    }
    back() = T();
    --size_;
    return at;
  }
  void clear() {
    while (!empty()) {
      pop_front();
    }
  }

 private:
  void grow_if_full() {
    if (size_ < capacity_) {
      return;
    }
    auto capacity = capacity_ == 0 ? 1 : capacity_ * 2;
    auto slots = std::make_unique<T[]>(capacity);
    for (size_t i = 0; i < size_; ++i) {
      slots[i] = std::move((*this)[i]);
    }
    slots_ = std::move(slots);
    capacity_ = capacity;
    head_ = 0;
  }
  void release_if_large_and_empty() {
    if (size_ == 0 && capacity_ > kept_slots) {
      slots_.reset();
      capacity_ = 0;
      head_ = 0;
    }
  }

  std::unique_ptr<T[]> slots_;
  size_t capacity_ = 0;  // A power of two, or 0.
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace io
}  // namespace mcprt
