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
    void run(int64_t count, const std::function<void(int64_t, int32_t)>& fn);

private:
    void worker_main(int32_t worker);
    void work(int32_t worker);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    uint64_t generation_ = 0;
    int32_t busy_ = 0;
    bool stopping_ = false;

    // The current batch.
    const std::function<void(int64_t, int32_t)>* fn_ = nullptr;
    int64_t count_ = 0, chunk_ = 1;
    std::atomic<int64_t> next_{0};
    std::exception_ptr error_;
};

}  // namespace isn::cpu
