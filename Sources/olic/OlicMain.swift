import ArgumentParser
import Glibc

/// Runs the command tree with olic's exit codes: 0 success, 1 bad input or a
/// failed check (one stderr line), 2 usage errors. argument-parser exits 64
/// (EX_USAGE) for usage errors on Linux, so they are mapped here.
@main
enum OlicMain {
  static func main() {
    // Misspelt options and subcommands are named before argument-parser sees them.
    let arguments: [String]
    do {
      arguments = try UsageCheck.prepare(Array(CommandLine.arguments.dropFirst()))
    } catch {
      Console.error(error.message)
      exit(2)
    }
    do {
      var command = try Olic.parseAsRoot(arguments)
      try command.run()
    } catch let failure as Failure {
      Console.error(failure.message)
      exit(1)
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
