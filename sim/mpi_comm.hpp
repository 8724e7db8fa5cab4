// The message transport between processes started by an MPI launcher
// (mpirun, srun): init/finalize, broadcast, point-to-point byte messages.
// Only what a master/worker exchange of opaque byte strings needs; the
// caller gives the bytes their meaning.
//
// MPI is started only when the environment shows a launcher started this
// process, so a plain `passerelle run` never touches MPI (no start-up cost,
// no surprises on machines with a broken MPI set-up). Built without MPI
// (PASSERELLE_MPI=OFF), a Session is always a single process, and refuses
// to start under a launcher that asked for several: each copy would
// otherwise run the whole experiment and race for the same output file.
//
// Threading: MPI_THREAD_FUNNELED. Only the thread that built the Session
// may call its members.
#pragma once
#include <optional>
#include <string>

namespace sim::mpi {

// Whether this binary was built with MPI support.
bool compiled_in();
// The number of processes a launcher says it started (0: no launcher).
int launched_size();

struct Message {
  int source = 0;
  int tag = 0;
  std::string bytes;
};

class Session {
 public:
  // Throws RunError when launched with several processes but built without MPI.
  Session();
  ~Session();  // MPI_Finalize when MPI was started
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

  // Collective: every process ends with rank 0's bytes.
  void broadcast(std::string& bytes) const;
  // Blocking send of a message of at most 2 GiB.
  void send(int to, int tag, const std::string& bytes) const;
  // A message waiting from any process, without blocking.
  std::optional<Message> poll() const;
  // Ends every process of the job (a failure on one would hang the others).
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  bool started_ = false;
};

}  // namespace sim::mpi
