import ArgumentParser
import Glibc

/// Runs the command tree with olic's exit codes: 0 success, 1 bad input or a
/// failed check (one stderr line), 2 usage errors, 3 to 6 cosign's refusals. argument-parser exits 64
/// (EX_USAGE) for usage errors on Linux, so they are mapped here.
@main
enum OlicMain {
  static func main() {
    do {
      var command = try UsageCheck.parse(Array(CommandLine.arguments.dropFirst()))
      try command.run()
    } catch let failure as Failure {
      Console.error(failure.message)
      exit(failure.exitCode)
    } catch let problem as UsageProblem {
      Console.error(problem.message)
      exit(2)
    } catch let code as ExitCode {
      exit(code.rawValue)
    } catch {
      let code = Olic.exitCode(for: error)
      if code == .validationFailure {
        Console.write(Olic.fullMessage(for: error) + "\n", to: STDERR_FILENO)
        exit(2)
      }
      Olic.exit(withError: error)
    }
  }
}
