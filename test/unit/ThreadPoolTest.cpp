//===- ThreadPoolTest.cpp - the runtime's pool and xfc_parallel_for -------===//

#include "xfc/Runtime/thread_pool.h"
#include "xfc/Runtime/xfc_runtime.h"

#include "gtest/gtest.h"
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

/// What one loop did: how often each index ran, and the chunks.
struct Record {
  explicit Record(int64_t n) : visits(n) {}
  std::vector<std::atomic<int>> visits;
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> chunks;
};

void record(void *ctx, int64_t begin, int64_t end) {
  auto *r = static_cast<Record *>(ctx);
  for (int64_t i = begin; i < end; ++i)
    ++r->visits[i];
  std::lock_guard<std::mutex> guard(r->mutex);
  r->chunks.push_back({begin, end});
}

/// Runs a loop over r's range and checks that every index ran once, in
/// nonempty chunks of sizes differing by at most one.
void runAndCheck(Record &r) {
  int64_t n = r.visits.size();
  xfc_parallel_for(n, record, &r);
  for (int64_t i = 0; i < n; ++i)
    EXPECT_EQ(r.visits[i], 1) << "index " << i << " of " << n;
  int64_t smallest = n, largest = 0;
  for (auto [begin, end] : r.chunks) {
    EXPECT_LT(begin, end);
    smallest = std::min(smallest, end - begin);
    largest = std::max(largest, end - begin);
  }
  EXPECT_LE(largest - smallest, 1);
}

int cores() {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : std::min(n, 1024L);
}

TEST(ThreadPool, SplitsRangesOverOneTwoAndSevenThreads) {
  for (int threads : {1, 2, 7}) {
    ASSERT_EQ(xfc_set_num_threads(threads), XFC_OK);
    EXPECT_EQ(xfc_num_threads(), threads);
    for (int64_t n : {2, 3, 7, 8, 1000, 100003}) {
      Record r(n);
      runAndCheck(r);
      // Alone, a loop gets every thread (no other caller competes here).
      EXPECT_EQ(r.chunks.size(), size_t(std::min<int64_t>(n, threads)))
          << n << " over " << threads << " threads";
    }
  }
}

TEST(ThreadPool, EmptyAndSingleRanges) {
  ASSERT_EQ(xfc_set_num_threads(4), XFC_OK);
  for (int64_t n : {0, -3}) {
    Record r(0);
    xfc_parallel_for(n, record, &r);
    EXPECT_TRUE(r.chunks.empty());
  }
  Record one(1);
  runAndCheck(one);
  ASSERT_EQ(one.chunks.size(), 1u);
  EXPECT_EQ(one.chunks[0], std::make_pair(int64_t(0), int64_t(1)));
}

/// Each chunk waits until every chunk has started: that finishes only if
/// the chunks really run at the same time on different threads.
TEST(ThreadPool, ChunksRunAtTheSameTime) {
  constexpr int kThreads = 4;
  ASSERT_EQ(xfc_set_num_threads(kThreads), XFC_OK);
  struct Meeting {
    std::atomic<int> arrived{0}, metAll{0};
  } meeting;
  xfc_parallel_for(
      kThreads,
      [](void *ctx, int64_t, int64_t) {
        auto *m = static_cast<Meeting *>(ctx);
        ++m->arrived;
        auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (m->arrived < kThreads &&
               std::chrono::steady_clock::now() < deadline)
          std::this_thread::yield();
        m->metAll += m->arrived == kThreads;
      },
      &meeting);
  EXPECT_EQ(meeting.metAll, kThreads);
}

TEST(ThreadPool, TwoCallersAtOnce) {
  ASSERT_EQ(xfc_set_num_threads(3), XFC_OK);
  auto caller = [] {
    for (int i = 0; i < 200; ++i) {
      Record r(997);
      runAndCheck(r);
    }
  };
  std::thread first(caller), second(caller);
  first.join();
  second.join();
}

TEST(ThreadPool, NestedLoopsRunInline) {
  ASSERT_EQ(xfc_set_num_threads(4), XFC_OK);
  struct Outer {
    std::atomic<int> inlineLoops{0}, loops{0};
  } outer;
  xfc_parallel_for(
      16,
      [](void *ctx, int64_t begin, int64_t end) {
        auto *o = static_cast<Outer *>(ctx);
        for (int64_t i = begin; i < end; ++i) {
          Record inner(50);
          runAndCheck(inner);
          ++o->loops;
          o->inlineLoops += inner.chunks.size() == 1;
          // Nor may a body resize the pool it runs on.
          EXPECT_EQ(xfc_set_num_threads(2), XFC_INVALID_ARGUMENT);
        }
      },
      &outer);
  EXPECT_EQ(outer.loops, 16);
  EXPECT_EQ(outer.inlineLoops, 16);
}

TEST(ThreadPool, EnvironmentSetsTheDefault) {
  ASSERT_EQ(setenv("XFC_NUM_THREADS", "3", 1), 0);
  ASSERT_EQ(xfc_set_num_threads(0), XFC_OK);
  EXPECT_EQ(xfc_num_threads(), 3);
  Record r(100);
  runAndCheck(r);
  for (const char *ignored : {"0", "-2", "abc", "5x", "", "1025"}) {
    ASSERT_EQ(setenv("XFC_NUM_THREADS", ignored, 1), 0);
    ASSERT_EQ(xfc_set_num_threads(0), XFC_OK);
    EXPECT_EQ(xfc_num_threads(), cores()) << "XFC_NUM_THREADS=" << ignored;
  }
  unsetenv("XFC_NUM_THREADS");
  ASSERT_EQ(xfc_set_num_threads(0), XFC_OK);
  EXPECT_EQ(xfc_num_threads(), cores());
}

TEST(ThreadPool, RejectsCountsOutOfRange) {
  EXPECT_EQ(xfc_set_num_threads(-1), XFC_INVALID_ARGUMENT);
  EXPECT_EQ(xfc_set_num_threads(1025), XFC_INVALID_ARGUMENT);
}

} // namespace
