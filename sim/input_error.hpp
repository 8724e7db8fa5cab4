// The one error type for bad user input (experiment files, territory files,
// command-line options). The command line turns it into exit code 2 with
// "file:line:column: message". Line and column are 1-based, 0 when unknown.
#pragma once
#include <stdexcept>
#include <string>

namespace sim {

class InputError : public std::runtime_error {
 public:
  InputError(std::string file, int line, int column, const std::string& message)
      : std::runtime_error(format(file, line, column, message)),
        file_(std::move(file)),
        line_(line),
        column_(column),
        message_(message) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  static std::string format(const std::string& f, int l, int c, const std::string& m) {
    std::string out = f.empty() ? std::string("<input>") : f;
    if (l > 0) {
      out += ':';
      out += std::to_string(l);
    }
    if (l > 0 && c > 0) {
      out += ':';
      out += std::to_string(c);
    }
    out += ": ";
    out += m;
    return out;
  }
  std::string file_;
  int line_;
  int column_;
  std::string message_;
};

// Failure while running or writing results (exit code 1).
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sim
