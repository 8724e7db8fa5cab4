#include "sim/mpi_comm.hpp"

#include <climits>
#include <cstdlib>
#include <string>

#include "sim/input_error.hpp"

#ifdef PASSERELLE_HAVE_MPI
// The C interface only: the deprecated C++ bindings would need libmpi_cxx.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace sim::mpi {
namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return *end == '\0' && n > 0 && n < INT_MAX ? static_cast<int>(n) : 0;
}

}  // namespace

bool compiled_in() {
#ifdef PASSERELLE_HAVE_MPI
  return true;
#else
  return false;
#endif
}

int launched_size() {
  // Open MPI, MPICH/Hydra and Slurm's PMI, MVAPICH; PMIx alone gives no size.
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE"})
    if (const int n = env_int(v)) return n;
  return std::getenv("PMIX_RANK") ? 1 : 0;
}

#ifdef PASSERELLE_HAVE_MPI

Session::Session() {
  if (launched_size() == 0) return;
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw RunError("MPI_Init_thread failed");
  started_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() {
  if (started_) MPI_Finalize();
}

void Session::broadcast(std::string& bytes) const {
  if (!started_) return;
  unsigned long long n = bytes.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  if (n > INT_MAX) throw RunError("MPI broadcast of " + std::to_string(n) + " bytes: over 2 GiB");
  bytes.resize(static_cast<std::size_t>(n));
  MPI_Bcast(bytes.data(), static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD);
}

void Session::send(int to, int tag, const std::string& bytes) const {
  if (bytes.size() > INT_MAX) throw RunError("MPI message of " + std::to_string(bytes.size()) + " bytes: over 2 GiB");
  // MPI's C interface takes a non-const buffer in old versions; it is not written.
  MPI_Send(const_cast<char*>(bytes.data()), static_cast<int>(bytes.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD);
}

std::optional<Message> Session::poll() const {
  if (!started_) return std::nullopt;
  int flag = 0;
  MPI_Status st;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
  if (!flag) return std::nullopt;
  int count = 0;
  MPI_Get_count(&st, MPI_BYTE, &count);
  Message m;
  m.source = st.MPI_SOURCE;
  m.tag = st.MPI_TAG;
  m.bytes.resize(static_cast<std::size_t>(count));
  MPI_Recv(m.bytes.data(), count, MPI_BYTE, m.source, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return m;
}

void Session::abort(int code) const {
  if (started_) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

#else  // built without MPI: always one process

Session::Session() {
  if (launched_size() > 1)
    throw RunError("started by an MPI launcher with " + std::to_string(launched_size()) +
                   " processes, but this passerelle was built without MPI (PASSERELLE_MPI=OFF): each copy "
                   "would run the whole experiment; rebuild with MPI or run without mpirun");
}
Session::~Session() { (void)started_; }
void Session::broadcast(std::string&) const {}
void Session::send(int, int, const std::string&) const { throw RunError("MPI send without MPI support"); }
std::optional<Message> Session::poll() const { return std::nullopt; }
void Session::abort(int code) const { std::_Exit(code); }

#endif

}  // namespace sim::mpi
