/// The CSV the tools read (device lists, registries): one record a line, fields
/// split on commas and trimmed of spaces, no quoting (hex and numbers never need
/// it), CRLF or LF, blank lines and lines starting with # ignored. It works on
/// bytes, not Characters: a batch CSV has thousands of rows and parsing must
/// stay small next to signing them.
struct CSVRow {
  let line: Int
  /// The trimmed UTF-8 bytes of each field.
  let cells: [ArraySlice<UInt8>]

  var fields: [String] { cells.map { String(decoding: $0, as: UTF8.self) } }
}

enum CSV {
  static func rows(_ text: String) -> [CSVRow] {
    var rows: [CSVRow] = []
    let bytes = Array(text.utf8)
    var number = 0
    for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      number += 1
      let line = trim(raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw)
      if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
      let cells = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(trim)
      rows.append(CSVRow(line: number, cells: cells))
    }
    return rows
  }

  private static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var s = s
    while let first = s.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { s = s.dropFirst() }
    while let last = s.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { s = s.dropLast() }
    return s
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
