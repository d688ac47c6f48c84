import ArgumentParser

/// A usage error found before argument-parser sees the command line: one stderr
/// line, exit 2.
struct UsageProblem: Error {
  let message: String
}

/// Checks the command line against the command tree, for every command
/// (including ones added later): argument-parser reports a missing
/// required option, or a command's own validate() error, before an unknown one,
/// so `--alowance 10` used to read "Missing expected argument '--allowance'" and
/// `--licence-id 1` "Missing --license-id". Here the misspelt option is named
/// first, with the closest real one. It also lets `--allowance -5` reach the
/// command as a value (argument-parser takes -5 for an option and says the value
/// is missing), so the command can say that a negative value is not a number.
///
/// What a command accepts is read from its own help screen, the one place
/// argument-parser publishes its names, so nothing here lists options by hand.
enum UsageCheck {
  /// argument-parser's parse of the command line, looked at by `prepare` first
  /// only when that parse fails (or for `olic help TOPIC`), so a correct command
  /// line never pays for rendering a help screen.
  static func parse(_ arguments: [String]) throws -> ParsableCommand {
    if arguments.first == "help" { _ = try prepare(arguments) }
    do {
      return try Olic.parseAsRoot(arguments)
    } catch {
      let prepared = try prepare(arguments)
      guard prepared != arguments else { throw error }
      return try Olic.parseAsRoot(prepared)
    }
  }

  /// The arguments to parse, with `--opt -N` joined as `--opt=-N`.
  static func prepare(_ arguments: [String]) throws(UsageProblem) -> [String] {
    var result: [String] = []
    var command: ParsableCommand.Type = Olic.self
    var path = ["olic"]
    var index = 0
    // Rendered once per command on the path: a help screen is not free.
    var options: Options?
    if arguments.first == "help" {
      try checkHelpTopic(Array(arguments.dropFirst()))
      return arguments
    }
    while index < arguments.count {
      let token = arguments[index]
      index += 1
      if token == "--" {
        result += arguments[(index - 1)...]
        break
      }
      if token.hasPrefix("--") {
        let name = token.split(separator: "=", maxSplits: 1).first.map(String.init) ?? token
        let known = options ?? Options.of(command)
        options = known
        guard let takesValue = known.names[name] else {
          throw UsageProblem(message: unknown("option", name, in: path, among: Array(known.names.keys)))
        }
        result.append(token)
        if takesValue, !token.contains("="), index < arguments.count {
          let value = arguments[index]
          if isNegativeNumber(value) {
            result[result.count - 1] = token + "=" + value
            index += 1
          } else if !value.hasPrefix("-") {
            result.append(value)
            index += 1
          }
        }
        continue
      }
      result.append(token)
      if token.hasPrefix("-") { continue }
      // A word: a subcommand where the command has them, else a positional argument.
      let subcommands = command.configuration.subcommands
      if let next = subcommands.first(where: { names(of: $0).contains(token) }) {
        command = next
        path.append(next._commandName)
        options = nil
      } else if !subcommands.isEmpty, command.configuration.defaultSubcommand == nil, !(options ?? Options.of(command)).positional {
        throw UsageProblem(
          message: unknown("subcommand", token, in: path, among: subcommands.map { $0._commandName }))
      }
    }
    return result
  }

  /// `olic help A B`: each word must name a subcommand of the one before it.
  private static func checkHelpTopic(_ words: [String]) throws(UsageProblem) {
    var command: ParsableCommand.Type = Olic.self
    var path = ["olic", "help"]
    for word in words where !word.hasPrefix("-") {
      let subcommands = command.configuration.subcommands
      guard let next = subcommands.first(where: { names(of: $0).contains(word) }) else {
        throw UsageProblem(message: unknown("subcommand", word, in: path, among: subcommands.map { $0._commandName }))
      }
      command = next
      path.append(next._commandName)
    }
  }

  private static func names(of command: ParsableCommand.Type) -> [String] {
    [command._commandName] + command.configuration.aliases
  }

  private static func isNegativeNumber(_ text: String) -> Bool {
    let utf8 = Array(text.utf8)
    return utf8.count >= 2 && utf8[0] == UInt8(ascii: "-") && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(utf8[1])
  }

  private static func unknown(_ kind: String, _ name: String, in path: [String], among candidates: [String]) -> String {
    let shown = printable(name)
    let command = path.joined(separator: " ")
    let helpPath = path.filter { $0 != "help" }
    let helpCommand = helpPath.count == 1 ? "olic help" : "olic help " + helpPath.dropFirst().joined(separator: " ")
    if let best = Suggestion.closest(to: name, among: candidates) {
      return "unknown \(kind) '\(shown)' for '\(command)'; did you mean '\(best)'? (see '\(helpCommand)')"
    }
    if kind == "subcommand" {
      return "unknown subcommand '\(shown)' for '\(command)'; the subcommands are \(candidates.joined(separator: ", "))"
    }
    return "unknown option '\(shown)' for '\(command)' (see '\(helpCommand)')"
  }
}

/// The option names a command accepts, from its full help screen (hidden ones
/// included), and whether each takes a value.
private struct Options {
  var names: [String: Bool] = [:]
  var positional = false

  /// Options every command gets from argument-parser itself.
  private static let builtIn: [String: Bool] = [
    "--help": false, "--experimental-dump-help": false, "--generate-completion-script": true, "--version": false,
  ]

  static func of(_ command: ParsableCommand.Type) -> Options {
    var options = Options()
    options.names = builtIn
    let help = Olic.helpMessage(for: command, includeHidden: true, columns: 10_000)
    var section = ""
    for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
      if !line.hasPrefix(" "), line.hasSuffix(":") { section = String(line) }
      if section == "ARGUMENTS:", line.hasPrefix("  <") { options.positional = true }
      let text = line.trimmingSpaces
      guard line.hasPrefix(" "), text.hasPrefix("-") else { continue }
      // "  --key <KEY>     The key." or "  -h, --help   ..." or "  --hex/--c-array  ...".
      let spec = text.split(separator: "  ", maxSplits: 1).first ?? text
      for alternative in spec.split(separator: ",").flatMap({ $0.split(separator: "/") }) {
        let words = alternative.trimmingSpaces.split(separator: " ")
        guard let name = words.first, name.hasPrefix("--") else { continue }
        options.names[String(name)] = words.count > 1
      }
    }
    return options
  }
}

/// The candidate closest to a mistyped name, if any is close enough to be the
/// one meant (at most a third of its letters differ, and at most 3).
enum Suggestion {
  static func closest(to typed: String, among candidates: [String]) -> String? {
    let word = Array(typed.utf8)
    var best: (name: String, distance: Int)?
    for candidate in candidates.sorted() {
      let distance = editDistance(word, Array(candidate.utf8))
      if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let best, best.distance <= min(3, max(1, word.count / 3)) else { return nil }
    return best.name
  }

  /// Optimal string alignment distance: a swapped pair of letters counts once.
  static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          current[j] = min(current[j], previous2[j - 2] + 1)
        }
      }
      (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[b.count]
  }
}
