// The GPU executor (HIP; also compiled by nvcc through gpu/gpu_runtime.h):
// runs every job of a call in one launch per regime, against either the
// call's borrowed systems (staged and uploaded per call) or an agent set's
// resident copy (uploaded once at create, patched per member on update).
// Work buffers belong to the context and only grow, so steady-state calls
// allocate nothing. Every host<->device copy goes through upload()/download(),
// which count the bytes (isn_context_transfer_stats).
#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../common/errors.h"
#include "kernels.h"

namespace isn {

namespace {

// Systems with n at least this big run one per block (phi update spread over
// the block); smaller ones one per thread.
constexpr int32_t kBlockRegimeMinN = 128;
constexpr int32_t kThreadsPerBlockSmall = 64;   // one AMD wavefront, two NVIDIA warps
constexpr int32_t kThreadsPerBlockLarge = 256;

void check(hipError_t e, const char* what) {
    if (e == hipSuccess) return;
    // The runtime also keeps e as this thread's last error, which the next
    // call's launch check (hipGetLastError) would report as its own: take it.
    (void)hipGetLastError();
    const isn_status status = e == hipErrorOutOfMemory ? ISN_STATUS_OUT_OF_MEMORY : ISN_STATUS_DEVICE_ERROR;
    fail(status, std::string(what) + " failed: " + hipGetErrorName(e) + ": " + hipGetErrorString(e));
}

// Bytes of device memory a context holds, and the most it has held
// (isn_context_memory_stats). Only touched under the context's lock.
struct MemoryTally {
    int64_t current = 0;
    int64_t peak = 0;
    void add(size_t bytes) {
        current += static_cast<int64_t>(bytes);
        peak = std::max(peak, current);
    }
    void remove(size_t bytes) { current -= static_cast<int64_t>(bytes); }
};

// A device allocation reused across calls; grows geometrically.
class DeviceBuffer {
public:
    explicit DeviceBuffer(MemoryTally* tally) : tally_(tally) {}
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    ~DeviceBuffer() {
        if (ptr_ != nullptr) {
            (void)hipFree(ptr_);
            tally_->remove(capacity_);
        }
    }

    template <class T>
    T* get(size_t count) {
        const size_t bytes = std::max<size_t>(count * sizeof(T), 1);
        if (bytes > capacity_) {
            const size_t grown = std::max(bytes, capacity_ * 2);
            if (ptr_ != nullptr) {
                check(hipFree(ptr_), "hipFree");
                tally_->remove(capacity_);
            }
            ptr_ = nullptr;
            capacity_ = 0;
            check(hipMalloc(&ptr_, grown), "hipMalloc");
            capacity_ = grown;
            tally_->add(grown);
        }
        return static_cast<T*>(ptr_);
    }

    template <class T>
    T* data() const {
        return static_cast<T*>(ptr_);
    }

private:
    MemoryTally* tally_;
    void* ptr_ = nullptr;
    size_t capacity_ = 0;
};

// An agent set on the device: the systems concatenated as in a borrowed
// call, plus the per-member constants, in buffers of its own.
class GpuResidentSet final : public ResidentSet {
public:
    explicit GpuResidentSet(MemoryTally* tally)
        : J(tally), h(tally), spins(tally), j_offset(tally), v_offset(tally), n(tally), norm(tally), energy(tally) {}
    int64_t bytes() const override { return bytes_; }

    DeviceBuffer J, h, spins, j_offset, v_offset, n, norm, energy;
    gpu::DevSystems dev{};
    std::vector<int64_t> host_j_offset, host_v_offset;  // where each member lives
    std::vector<int32_t> host_n;
    int32_t min_n = 0, max_n = 0;
    int64_t bytes_ = 0;
};

class GpuBackend final : public Backend {
public:
    explicit GpuBackend(int32_t device) : device_(device) {
        const std::string problem = isn_gpu_runtime_problem();
        if (!problem.empty()) fail(ISN_STATUS_DEVICE_UNAVAILABLE, problem);
        int32_t count = 0;
        const hipError_t e = hipGetDeviceCount(&count);
        if (e != hipSuccess || count == 0)
            fail(ISN_STATUS_DEVICE_UNAVAILABLE,
                 std::string("no GPU device is available (") + ISN_GPU_RUNTIME_NAME + "GetDeviceCount: " +
                     (e == hipSuccess ? std::string("0 devices") : std::string(hipGetErrorString(e))) +
                     "; this plug-in carries code objects for " + isn_gpu_code_objects_text() + ")");
        if (device >= count)
            fail(ISN_STATUS_DEVICE_UNAVAILABLE, "argument 'device' = " + std::to_string(device) + " but only " +
                                                    std::to_string(count) + " GPU device(s) exist");
        check(hipSetDevice(device), "hipSetDevice");
        std::string name, arch;
        check(isn_gpu_identify(device, &name, &arch), "hipGetDeviceProperties");
        description_ = "gpu " + std::to_string(device) + ": " + name + " (" + arch + ", " + isn_gpu_runtime_text() + ")";
        kernels_ = std::make_unique<gpu::KernelModule>(device, name, arch);
        check(hipStreamCreate(&stream_), "hipStreamCreate");
    }

    ~GpuBackend() override {
        if (stream_ != nullptr) (void)hipStreamDestroy(stream_);
    }

    isn_backend kind() const override { return ISN_BACKEND_GPU; }
    std::string describe() const override { return description_; }

    void run_anneal(const SystemSet& systems, const JobRange& jobs, const isn_anneal_options& options,
                    const isn_weights* weights, int8_t* spins_out, isn_anneal_stats* stats,
                    isn_empathy_result* results, double* scores) override {
        synchronized([&] { anneal_on_device(systems, jobs, options, weights, spins_out, stats, results, scores); });
    }

    std::unique_ptr<ResidentSet> make_resident(const isn_system_view* views, int32_t count, const double* norms,
                                               const double* energies) override {
        auto set = std::make_unique<GpuResidentSet>(&tally_);
        synchronized([&] { upload_resident(*set, views, count, norms, energies); });
        return set;
    }

    bool update_resident(ResidentSet& resident, const isn_system_view* views, int32_t, int32_t index,
                         const double* norms, const double* energies, bool spins_only) override {
        auto& set = static_cast<GpuResidentSet&>(resident);
        const isn_system_view& v = views[index];
        if (v.n != set.host_n[static_cast<size_t>(index)]) return false;  // a new layout: the caller re-uploads
        synchronized([&] { patch_resident(set, v, index, norms, energies, spins_only); });
        return true;
    }

    void transfer_stats(int64_t& host_to_device, int64_t& device_to_host) const override {
        host_to_device = host_to_device_;
        device_to_host = device_to_host_;
    }

    void observe(const isn_system_view* systems, int32_t count, isn_observables* out) override {
        synchronized([&] { observe_on_device(systems, count, out); });
    }

    // Similarity and quick estimates are cheap per pair: the host runs them, on
    // the CPU library's executor (plugin/gpu_plugin_loader.cpp answers host_for
    // itself; this plug-in holds no CPU executor and is never asked).
    void host_for(int64_t, const std::function<void(int64_t)>&) override {
        fail(ISN_STATUS_INTERNAL, "host_for runs in the CPU library, not in the GPU plug-in");
    }

    void memory_stats(int64_t& current_bytes, int64_t& peak_bytes) const override {
        current_bytes = tally_.current;
        peak_bytes = tally_.peak;
    }

private:
    // Runs body; if it throws after queuing asynchronous copies, waits for the
    // stream first so no copy outlives the host buffers it reads or writes.
    template <class F>
    void synchronized(F&& body) {
        try {
            body();
        } catch (...) {
            (void)hipStreamSynchronize(stream_);
            throw;
        }
    }

    void anneal_on_device(const SystemSet& systems, const JobRange& jobs, const isn_anneal_options& options,
                          const isn_weights* weights, int8_t* spins_out, isn_anneal_stats* stats,
                          isn_empathy_result* results, double* scores) {
        check(hipSetDevice(device_), "hipSetDevice");
        const auto* resident = static_cast<const GpuResidentSet*>(systems.resident);
        const gpu::DevSystems sys = resident != nullptr ? resident->dev : upload_systems(systems.views, systems.count);
        const int32_t job_count = jobs.count;
        const bool scoring = results != nullptr || scores != nullptr;

        gpu::DevJobs dj{};
        dj.range = jobs;
        dj.count = job_count;
        dj.split = kBlockRegimeMinN;
        dj.score = scoring ? 1 : 0;
        dj.options = options;
        if (weights != nullptr) dj.weights = *weights;
        // Work layout. Explicit job lists (request data, uploaded): job k's
        // spins and phi start at the prefix sum of n, and each regime gets its
        // list of job ids. Pairs, edges and implicit matrix jobs (agent sets,
        // resident): a fixed slot of max_n per job, each launch skipping the
        // other regime's jobs, so nothing but the pairs or edges (16 or 8
        // bytes a job) is uploaded per tile, and nothing for the matrix.
        int64_t total = 0;
        bool any_small = false, any_large = false;
        std::vector<int64_t>& work = h_work_;
        std::vector<int32_t>& small = h_small_;
        std::vector<int32_t>& large = h_large_;
        small.clear();
        large.clear();
        if (jobs.list != nullptr) {
            work.resize(static_cast<size_t>(job_count));
            for (int32_t k = 0; k < job_count; ++k) {
                work[static_cast<size_t>(k)] = total;
                const int32_t n = systems.views[jobs.list[k].other].n;
                total += n;
                (n >= kBlockRegimeMinN ? large : small).push_back(k);
            }
            Job* d_jobs = jobs_.get<Job>(static_cast<size_t>(job_count));
            int64_t* d_work = work_offsets_.get<int64_t>(work.size());
            int32_t* d_ids = ids_.get<int32_t>(static_cast<size_t>(job_count));
            upload(d_jobs, jobs.list, static_cast<size_t>(job_count));
            upload(d_work, work.data(), work.size());
            upload(d_ids, small.data(), small.size());
            upload(d_ids + small.size(), large.data(), large.size());
            dj.range.list = d_jobs;
            dj.work_offset = d_work;
            dj.ids = d_ids;
            any_small = !small.empty();
            any_large = !large.empty();
        } else {
            if (resident == nullptr) fail(ISN_STATUS_INTERNAL, "pair/edge/matrix jobs need the systems resident on the device");
            dj.slot_n = resident->max_n;
            total = static_cast<int64_t>(job_count) * resident->max_n;
            if (jobs.pairs != nullptr) {
                isn_pair* d_pairs = jobs_.get<isn_pair>(static_cast<size_t>(job_count));
                upload(d_pairs, jobs.pairs, static_cast<size_t>(job_count));
                dj.range.pairs = d_pairs;
            } else if (jobs.edges != nullptr) {
                isn_edge* d_edges = jobs_.get<isn_edge>(static_cast<size_t>(job_count));
                upload(d_edges, jobs.edges, static_cast<size_t>(job_count));
                dj.range.edges = d_edges;
            }
            any_small = resident->min_n < kBlockRegimeMinN;
            any_large = resident->max_n >= kBlockRegimeMinN;
        }
        dj.spins = work_spins_.get<int8_t>(static_cast<size_t>(total));
        dj.stats = scoring ? nullptr : stats_.get<isn_anneal_stats>(static_cast<size_t>(job_count));
        dj.results = results != nullptr ? results_.get<isn_empathy_result>(static_cast<size_t>(job_count)) : nullptr;
        dj.scores = scores != nullptr ? scores_.get<double>(static_cast<size_t>(job_count)) : nullptr;
        const bool single = options.precision == ISN_PRECISION_SINGLE;
        void* phi = single ? static_cast<void*>(phi_.get<float>(static_cast<size_t>(total)))
                           : static_cast<void*>(phi_.get<double>(static_cast<size_t>(total)));

        if (any_small) {
            gpu::DevJobs d = dj;
            if (dj.ids != nullptr) d.count = static_cast<int32_t>(small.size());
            const unsigned grid = static_cast<unsigned>((d.count + kThreadsPerBlockSmall - 1) / kThreadsPerBlockSmall);
            if (single)
                ISN_GPU_LAUNCH(*kernels_, isn_anneal_threads_f32, dim3(grid), dim3(kThreadsPerBlockSmall), stream_, sys, d, static_cast<float*>(phi));
            else
                ISN_GPU_LAUNCH(*kernels_, isn_anneal_threads_f64, dim3(grid), dim3(kThreadsPerBlockSmall), stream_, sys, d, static_cast<double*>(phi));
            check(hipGetLastError(), "anneal_threads launch");
        }
        if (any_large) {
            gpu::DevJobs d = dj;
            if (dj.ids != nullptr) {
                d.ids = dj.ids + small.size();
                d.count = static_cast<int32_t>(large.size());
            }
            const unsigned grid = static_cast<unsigned>(d.count);
            if (single)
                ISN_GPU_LAUNCH(*kernels_, isn_anneal_blocks_f32, dim3(grid), dim3(kThreadsPerBlockLarge), stream_, sys, d, static_cast<float*>(phi));
            else
                ISN_GPU_LAUNCH(*kernels_, isn_anneal_blocks_f64, dim3(grid), dim3(kThreadsPerBlockLarge), stream_, sys, d, static_cast<double*>(phi));
            check(hipGetLastError(), "anneal_blocks launch");
        }

        if (results != nullptr) download(results, dj.results, static_cast<size_t>(job_count));
        if (scores != nullptr) download(scores, dj.scores, static_cast<size_t>(job_count));
        if (stats != nullptr && !scoring) download(stats, dj.stats, static_cast<size_t>(job_count));
        const bool want_spins = spins_out != nullptr && jobs.list != nullptr;
        if (want_spins) {
            host_spins_.resize(static_cast<size_t>(total));
            download(host_spins_.data(), dj.spins, host_spins_.size());
        }
        check(hipStreamSynchronize(stream_), "anneal kernels");
        if (want_spins)
            for (int32_t k = 0; k < job_count; ++k)
                std::memcpy(spins_out + jobs.list[k].spin_offset, host_spins_.data() + work[static_cast<size_t>(k)],
                            static_cast<size_t>(systems.views[jobs.list[k].other].n));
    }

    void observe_on_device(const isn_system_view* systems, int32_t count, isn_observables* out) {
        check(hipSetDevice(device_), "hipSetDevice");
        const gpu::DevSystems sys = upload_systems(systems, count);
        isn_observables* d_out = observables_.get<isn_observables>(static_cast<size_t>(count));
        const unsigned grid = static_cast<unsigned>((count + kThreadsPerBlockSmall - 1) / kThreadsPerBlockSmall);
        ISN_GPU_LAUNCH(*kernels_, isn_observe_systems, dim3(grid), dim3(kThreadsPerBlockSmall), stream_, sys, count, d_out);
        check(hipGetLastError(), "observe_systems launch");
        download(out, d_out, static_cast<size_t>(count));
        check(hipStreamSynchronize(stream_), "observe_systems");
    }

    template <class T>
    void upload(T* dst, const T* src, size_t count) {
        if (count == 0) return;
        check(hipMemcpyAsync(dst, src, count * sizeof(T), hipMemcpyHostToDevice, stream_), "hipMemcpyAsync (upload)");
        host_to_device_ += static_cast<int64_t>(count * sizeof(T));
    }

    template <class T>
    void download(T* dst, const T* src, size_t count) {
        if (count == 0) return;
        check(hipMemcpyAsync(dst, src, count * sizeof(T), hipMemcpyDeviceToHost, stream_), "hipMemcpyAsync (download)");
        device_to_host_ += static_cast<int64_t>(count * sizeof(T));
    }

    // Concatenates the systems into host staging (offsets, n, J, h, spins;
    // zeros where a system has no spins).
    void stage_systems(const isn_system_view* systems, int32_t count) {
        h_j_offset_.resize(static_cast<size_t>(count));
        h_v_offset_.resize(static_cast<size_t>(count));
        h_n_.resize(static_cast<size_t>(count));
        int64_t jt = 0, vt = 0;
        for (int32_t k = 0; k < count; ++k) {
            const int64_t n = systems[k].n;
            h_j_offset_[static_cast<size_t>(k)] = jt;
            h_v_offset_[static_cast<size_t>(k)] = vt;
            h_n_[static_cast<size_t>(k)] = systems[k].n;
            jt += n * n;
            vt += n;
        }
        h_J_.resize(static_cast<size_t>(jt));
        h_h_.resize(static_cast<size_t>(vt));
        h_s_.assign(static_cast<size_t>(vt), 0);
        for (int32_t k = 0; k < count; ++k) {
            const isn_system_view& v = systems[k];
            const size_t n = static_cast<size_t>(v.n);
            std::memcpy(h_J_.data() + h_j_offset_[static_cast<size_t>(k)], v.couplings, n * n * sizeof(double));
            std::memcpy(h_h_.data() + h_v_offset_[static_cast<size_t>(k)], v.fields, n * sizeof(double));
            if (v.spins != nullptr) std::memcpy(h_s_.data() + h_v_offset_[static_cast<size_t>(k)], v.spins, n);
        }
    }

    // Uploads the staged systems into the given buffers.
    gpu::DevSystems upload_staged(DeviceBuffer& J, DeviceBuffer& h, DeviceBuffer& spins, DeviceBuffer& j_offset,
                                  DeviceBuffer& v_offset, DeviceBuffer& n) {
        gpu::DevSystems d{};
        double* dJ = J.get<double>(h_J_.size());
        double* dh = h.get<double>(h_h_.size());
        int8_t* ds = spins.get<int8_t>(h_s_.size());
        int64_t* djo = j_offset.get<int64_t>(h_j_offset_.size());
        int64_t* dvo = v_offset.get<int64_t>(h_v_offset_.size());
        int32_t* dn = n.get<int32_t>(h_n_.size());
        upload(dJ, h_J_.data(), h_J_.size());
        upload(dh, h_h_.data(), h_h_.size());
        upload(ds, h_s_.data(), h_s_.size());
        upload(djo, h_j_offset_.data(), h_j_offset_.size());
        upload(dvo, h_v_offset_.data(), h_v_offset_.size());
        upload(dn, h_n_.data(), h_n_.size());
        d.J = dJ;
        d.h = dh;
        d.spins = ds;
        d.j_offset = djo;
        d.v_offset = dvo;
        d.n = dn;
        return d;
    }

    // A borrowed call's systems, into the context's reused buffers.
    gpu::DevSystems upload_systems(const isn_system_view* systems, int32_t count) {
        stage_systems(systems, count);
        return upload_staged(J_, h_, spins_, j_offset_, v_offset_, n_);
    }

    // An agent set, into its own buffers (exact sizes: they live as long as the set).
    void upload_resident(GpuResidentSet& set, const isn_system_view* views, int32_t count, const double* norms,
                         const double* energies) {
        check(hipSetDevice(device_), "hipSetDevice");
        stage_systems(views, count);
        set.dev = upload_staged(set.J, set.h, set.spins, set.j_offset, set.v_offset, set.n);
        if (norms != nullptr) {
            double* d = set.norm.get<double>(static_cast<size_t>(count));
            upload(d, norms, static_cast<size_t>(count));
            set.dev.norm = d;
        }
        if (energies != nullptr) {
            double* d = set.energy.get<double>(static_cast<size_t>(count));
            upload(d, energies, static_cast<size_t>(count));
            set.dev.energy = d;
        }
        set.host_j_offset = h_j_offset_;
        set.host_v_offset = h_v_offset_;
        set.host_n = h_n_;
        set.min_n = *std::min_element(h_n_.begin(), h_n_.end());
        set.max_n = *std::max_element(h_n_.begin(), h_n_.end());
        const size_t K = static_cast<size_t>(count);
        set.bytes_ = static_cast<int64_t>(h_J_.size() * sizeof(double) + h_h_.size() * sizeof(double) + h_s_.size() +
                                          K * (2 * sizeof(int64_t) + sizeof(int32_t)) +
                                          (norms != nullptr ? K * sizeof(double) : 0) +
                                          (energies != nullptr ? K * sizeof(double) : 0));
        check(hipStreamSynchronize(stream_), "agent set upload");
        // A set is uploaded once: staging as big as a large set is not kept
        // for the borrowed calls, which regrow what they need.
        constexpr size_t kKeepStaging = size_t{64} << 20;
        if (h_J_.capacity() * sizeof(double) > kKeepStaging) {
            std::vector<double>().swap(h_J_);
            std::vector<double>().swap(h_h_);
            std::vector<int8_t>().swap(h_s_);
        }
    }

    // One member of the same n: its own bytes only (J, h, spins, constants).
    void patch_resident(GpuResidentSet& set, const isn_system_view& v, int32_t index, const double* norms,
                        const double* energies, bool spins_only) {
        check(hipSetDevice(device_), "hipSetDevice");
        const size_t k = static_cast<size_t>(index), n = static_cast<size_t>(v.n);
        const int64_t jo = set.host_j_offset[k], vo = set.host_v_offset[k];
        int8_t* ds = set.spins.data<int8_t>();
        if (!spins_only) {
            upload(set.J.data<double>() + jo, v.couplings, n * n);
            upload(set.h.data<double>() + vo, v.fields, n);
            if (norms != nullptr && set.dev.norm != nullptr) upload(set.norm.data<double>() + k, norms + k, 1);
        }
        if (v.spins != nullptr) {
            upload(ds + vo, v.spins, n);
        } else {
            h_s_.assign(n, 0);  // "no spins" is zeros on the device
            upload(ds + vo, h_s_.data(), n);
        }
        if (energies != nullptr && set.dev.energy != nullptr) upload(set.energy.data<double>() + k, energies + k, 1);
        check(hipStreamSynchronize(stream_), "agent set update");
    }

    int32_t device_;
    std::string description_;
    std::unique_ptr<gpu::KernelModule> kernels_;
    hipStream_t stream_ = nullptr;

    // Device buffers, reused and grown across calls; declared after the tally
    // they report to, so they are destroyed (and freed) before it.
    MemoryTally tally_;
    DeviceBuffer J_{&tally_}, h_{&tally_}, spins_{&tally_}, j_offset_{&tally_}, v_offset_{&tally_}, n_{&tally_};
    DeviceBuffer jobs_{&tally_}, work_offsets_{&tally_}, ids_{&tally_}, work_spins_{&tally_}, phi_{&tally_},
        stats_{&tally_}, results_{&tally_}, scores_{&tally_}, observables_{&tally_};
    // Bytes copied each way (only touched under the context's lock).
    int64_t host_to_device_ = 0, device_to_host_ = 0;
    // Host staging (asynchronous copies read them until the stream synchronises).
    std::vector<double> h_J_, h_h_;
    std::vector<int8_t> h_s_, host_spins_;
    std::vector<int64_t> h_j_offset_, h_v_offset_;
    std::vector<int32_t> h_n_, h_small_, h_large_;
    std::vector<int64_t> h_work_;
};

}  // namespace

std::unique_ptr<Backend> make_gpu_backend(int32_t device) { return std::make_unique<GpuBackend>(device); }

int32_t gpu_device_count() {
    int32_t count = 0;
    if (hipGetDeviceCount(&count) != hipSuccess) {
        (void)hipGetLastError();  // clear the sticky "no device" error
        return 0;
    }
    return count;
}

}  // namespace isn
