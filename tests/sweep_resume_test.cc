// The shipped 1,000-point SystemC sweep through the command line: killed
// with SIGKILL part way, then rerun, it ends with the same results.jsonl,
// line for line, as a run that was never interrupted.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace {

const std::string kSpec = "configs/sweeps/vr_ceiling.yaml";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t lines_in(const std::string& path) {
  const std::string text = read_file(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

int sweep(const std::string& out) {
  const std::string cmd =
      std::string(TOKENFAB_BIN) + " sweep " + kSpec + " --workers 2 --out " + out + " > " + out + ".log 2>&1";
  return std::system(cmd.c_str());
}

TEST_CASE("cli: a SystemC sweep killed with SIGKILL resumes to the uninterrupted result, line for line") {
  const std::string base = std::string(TOKENFAB_TEST_OUT) + "/sweep_resume";
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);
  REQUIRE(sweep(base + "/whole") == 0);
  const std::string whole = read_file(base + "/whole/results.jsonl");
  CHECK(lines_in(base + "/whole/results.jsonl") == 1000);

  // Start the same sweep elsewhere and kill it once a tenth of its points are in.
  const std::string cut = base + "/cut";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl(TOKENFAB_BIN, TOKENFAB_BIN, "sweep", kSpec.c_str(), "--workers", "2", "--out", cut.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (lines_in(cut + "/points.jsonl") < 100 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::size_t before = lines_in(cut + "/points.jsonl");
  INFO("journal lines when killed: " << before);
  CHECK(before >= 100);
  CHECK(before < 1000);
  CHECK(!std::filesystem::exists(cut + "/results.jsonl"));

  REQUIRE(sweep(cut) == 0);
  CHECK(read_file(cut + ".log").find(std::to_string(before) + " from the journal") != std::string::npos);
  CHECK(read_file(cut + "/results.jsonl") == whole);
  CHECK(lines_in(cut + "/points.jsonl") == 1000);
}

}  // namespace
