#include "thread_pool.h"

namespace isn::cpu {

ThreadPool::ThreadPool(int32_t threads) {
    for (int32_t w = 1; w < threads; ++w) workers_.emplace_back([this, w] { worker_main(w); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::work(int32_t worker) {
    for (;;) {
        const int64_t begin = next_.fetch_add(chunk_);
        if (begin >= count_) return;
        const int64_t end = begin + chunk_ < count_ ? begin + chunk_ : count_;
        try {
            for (int64_t i = begin; i < end; ++i) (*fn_)(i, worker);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
            next_.store(count_);  // stop handing out work
            return;
        }
    }
}

void ThreadPool::worker_main(int32_t worker) {
    uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
            if (!open_) continue;  // woke too late: the caller already finished this batch
            ++inside_;
        }
        work(worker);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (--inside_ == 0) done_.notify_one();
        }
    }
}

void ThreadPool::run(int64_t count, TaskRef fn) {
    if (count <= 0) return;
    if (workers_.empty() || count == 1) {
        for (int64_t i = 0; i < count; ++i) fn(i, 0);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        fn_ = &fn;
        count_ = count;
        // Small chunks balance uneven systems; at least 1, about 8 per thread.
        chunk_ = count / (8 * static_cast<int64_t>(size()));
        if (chunk_ < 1) chunk_ = 1;
        next_.store(0);
        error_ = nullptr;
        inside_ = 0;
        open_ = true;
        ++generation_;
    }
    wake_.notify_all();
    work(0);
    std::exception_ptr error;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        open_ = false;  // every index is taken: late workers must not touch fn_
        done_.wait(lock, [&] { return inside_ == 0; });
        fn_ = nullptr;
        error = error_;
        error_ = nullptr;
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace isn::cpu
