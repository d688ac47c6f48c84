/// The CSV the tools read (device lists, registries): one record a line, fields
/// split on commas and trimmed of spaces, no quoting (hex and numbers never need
/// it), CRLF or LF, blank lines and lines starting with # ignored.
struct CSVRow {
  let line: Int
  let fields: [String]
}

enum CSV {
  static func rows(_ text: String) -> [CSVRow] {
    var rows: [CSVRow] = []
    var number = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
      let trimmed = line.trimmingSpaces
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      rows.append(CSVRow(line: number, fields: line.split(separator: ",", omittingEmptySubsequences: false).map { String($0.trimmingSpaces) }))
    }
    return rows
  }
}

extension Substring {
  var trimmingSpaces: Substring {
    var s = self
    while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
    while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
    return s
  }
}
