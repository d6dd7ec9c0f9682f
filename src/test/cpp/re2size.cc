// The test oracle for dev.intercept.policy.RegexBudget: real RE2, as Envoy compiles a safe_regex.
// Reads one pattern a line; prints RE2(pattern, RE2::Quiet).ProgramSize(), or -1 and RE2's error.
#include <re2/re2.h>

#include <iostream>
#include <string>

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    RE2 re(line, RE2::Quiet);
    if (re.ok()) {
      std::cout << re.ProgramSize() << "\n";
    } else {
      std::cout << -1 << " " << re.error() << "\n";
    }
  }
  return 0;
}
