// A fixed pool of std::threads that splits a batch [0, count) into chunks
// taken dynamically; the calling thread works too, so a 1-thread pool has no
// worker threads and no synchronisation cost (single-call latency).
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace isn::cpu {

// A non-owning reference to a callable fn(index, worker): unlike a
// std::function it never allocates, whatever the lambda captures.
class TaskRef {
public:
    template <class F>
    TaskRef(const F& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly
        : obj_(&f), call_([](const void* o, int64_t i, int32_t w) { (*static_cast<const F*>(o))(i, w); }) {}
    void operator()(int64_t i, int32_t w) const { call_(obj_, i, w); }

private:
    const void* obj_;
    void (*call_)(const void*, int64_t, int32_t);
};

class ThreadPool {
public:
    explicit ThreadPool(int32_t threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int32_t size() const { return static_cast<int32_t>(workers_.size()) + 1; }

    // fn(index, worker) for every index; worker in [0, size()) identifies the
    // executing thread (for per-thread scratch). The first exception thrown by
    // any fn is rethrown here after all threads stopped.
    void run(int64_t count, TaskRef fn);

private:
    void worker_main(int32_t worker);
    void work(int32_t worker);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    uint64_t generation_ = 0;
    // Workers inside the current batch. A worker joins only while the batch is
    // open; the caller closes it once it has run out of work itself, then waits
    // only for the workers that joined, never for one that has not woken up
    // yet (on a busy machine a wake-up can take longer than a small batch).
    int32_t inside_ = 0;
    bool open_ = false;
    bool stopping_ = false;

    // The current batch.
    const TaskRef* fn_ = nullptr;
    int64_t count_ = 0, chunk_ = 1;
    std::atomic<int64_t> next_{0};
    std::exception_ptr error_;
};

}  // namespace isn::cpu
