#include "runtime/io/ring_queue.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <random>
#include <string>

using mcprt::io::ring_queue;

namespace {

template <class A, class B>
bool same_items(A& a, const B& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

TEST_CASE("ring_queue: front and back ends keep their order across growth", "[ring_queue]") {
  ring_queue<int> q;
  CHECK(q.empty());
  for (int i = 0; i < 5; ++i) {
    q.push_back(i);
  }
  q.push_front(-1);
  q.pop_front();
  q.pop_front();  // Wraps: the head moves past the slot push_front used.
  q.push_back(5);
  q.push_front(-2);
  std::deque<int> want{-2, 1, 2, 3, 4, 5};
  CHECK(same_items(q, want));
  CHECK(q.front() == -2);
  CHECK(q.back() == 5);
}

TEST_CASE("ring_queue: erase from the back, as offer_frame does", "[ring_queue]") {
  ring_queue<std::string> q;
  for (auto s : {"a", "b", "c", "b", "d"}) {
    q.push_back(s);
  }
  auto same = std::find_if(q.rbegin(), q.rend(), [](const auto& s) { return s == "b"; });
  REQUIRE(same != q.rend());
  auto next = q.erase(std::next(same).base());
  CHECK(*next == "d");
  std::deque<std::string> want{"a", "b", "c", "d"};
  CHECK(same_items(q, want));
}

TEST_CASE("ring_queue: a popped item is released at once", "[ring_queue]") {
  ring_queue<std::shared_ptr<int>> q;
  auto held = std::make_shared<int>(7);
  q.push_back(held);
  CHECK(held.use_count() == 2);
  q.pop_front();
  CHECK(held.use_count() == 1);
  q.push_back(held);
  q.clear();
  CHECK(held.use_count() == 1);
  CHECK(q.empty());
}

TEST_CASE("ring_queue: an emptied queue keeps its slots up to kept_slots", "[ring_queue]") {
  ring_queue<int, 2> q;
  CHECK(q.capacity() == 0);
  q.push_back(1);
  q.push_back(2);
  q.pop_front();
  q.pop_front();
  CHECK(q.capacity() == 2);  // Kept: the next items need no allocation.
  for (int i = 0; i < 3; ++i) {
    q.push_back(i);
  }
  CHECK(q.capacity() == 4);
  q.clear();
  CHECK(q.capacity() == 0);  // Grew past what it keeps: given back.

  ring_queue<int, 0> rare;
  rare.push_back(1);
  rare.pop_front();
  CHECK(rare.capacity() == 0);
}

TEST_CASE("ring_queue: agrees with std::deque over random operations", "[ring_queue]") {
  std::mt19937 rng(15);
  ring_queue<int> q;
  std::deque<int> d;
  for (int step = 0; step < 20000; ++step) {
    if (step % 4999 == 0) {  // Emptied after growing: the slots are given back.
      q.clear();
      d.clear();
    }
    switch (rng() % 5) {
      case 0:
      case 1:
        q.push_back(step);
        d.push_back(step);
        break;
      case 2:
        q.push_front(step);
        d.push_front(step);
        break;
      case 3:
        if (!d.empty()) {
          q.pop_front();
          d.pop_front();
        }
        break;
      default:
        if (!d.empty()) {
          auto at = rng() % d.size();
          q.erase(std::next(q.begin(), static_cast<std::ptrdiff_t>(at)));
          d.erase(std::next(d.begin(), static_cast<std::ptrdiff_t>(at)));
        }
        break;
    }
    REQUIRE(same_items(q, d));
  }
}
