/// The CSV the tools read (device lists, registries): RFC 4180 records, with
/// what spreadsheets add. A UTF-8 byte-order mark at the start is skipped (Excel's
/// "CSV UTF-8" writes one); records end in CRLF or LF; a field in double quotes
/// may hold commas, line breaks and "" for a quote; spaces and tabs around a field
/// are dropped; blank lines and lines starting with # are skipped.
///
/// Hand-written rather than SwiftCSV or CSV.swift, the CSV packages on the mirror:
/// both import Foundation, which this Foundation-free CLI does not load, and a
/// program that loads it takes about 4-6 ms longer to start (7.4-9.9 against
/// 3.5-4.3 ms measured; docs/cli.md). It works on bytes, not
/// Characters: a batch CSV has thousands of rows and parsing must stay small next
/// to signing them.
struct CSVRow {
  /// The line the record starts on, counted from 1.
  let line: Int
  /// The UTF-8 bytes of each field, unquoted and trimmed.
  let cells: [ArraySlice<UInt8>]
  /// Set when the record is not valid CSV (then `cells` is empty).
  var error: String? = nil

  var fields: [String] { cells.map { String(decoding: $0, as: UTF8.self) } }
}

enum CSV {
  private static let quote = UInt8(ascii: "\"")
  private static let comma = UInt8(ascii: ",")
  private static let lf = UInt8(ascii: "\n")
  private static let cr = UInt8(ascii: "\r")

  static func rows(_ text: String) -> [CSVRow] {
    rows(bytes: Array(text.utf8))
  }

  static func rows(bytes input: [UInt8]) -> [CSVRow] {
    var bytes = input[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    var rows: [CSVRow] = []
    var i = bytes.startIndex
    let end = bytes.endIndex
    var line = 1
    while i < end {
      let start = line
      // Skip a blank line or a comment line whole.
      let first = skipBlanks(bytes, from: i)
      if first == end { break }
      if bytes[first] == lf || bytes[first] == cr || bytes[first] == UInt8(ascii: "#") {
        var j = first
        while j < end, bytes[j] != lf { j += 1 }
        i = j < end ? j + 1 : end
        line += 1
        continue
      }
      var cells: [ArraySlice<UInt8>] = []
      var error: String?
      var j = i
      record: while true {
        j = skipBlanks(bytes, from: j)
        if j < end, bytes[j] == quote {
          // A quoted field: up to the next lone quote; "" is one quote.
          var value: [UInt8] = []
          var k = j + 1
          var closed = false
          while k < end {
            if bytes[k] == quote {
              if k + 1 < end, bytes[k + 1] == quote {
                value.append(quote)
                k += 2
                continue
              }
              closed = true
              k += 1
              break
            }
            if bytes[k] == lf { line += 1 }
            value.append(bytes[k])
            k += 1
          }
          guard closed else {
            error = "a quoted field that starts here is never closed"
            j = end
            break record
          }
          cells.append(value[...])
          j = skipBlanks(bytes, from: k)
          if j < end, bytes[j] != comma, bytes[j] != lf, !(bytes[j] == cr && j + 1 < end && bytes[j + 1] == lf) {
            error = "unexpected text after the closing quote of field \(cells.count)"
          }
        } else {
          var k = j
          while k < end, bytes[k] != comma, bytes[k] != lf, bytes[k] != quote { k += 1 }
          if k < end, bytes[k] == quote, error == nil {
            error = "a quote inside unquoted field \(cells.count + 1) (quote the whole field, and double the quote)"
          }
          while k < end, bytes[k] != comma, bytes[k] != lf { k += 1 }
          var cell = bytes[j..<k]
          if cell.last == cr, k == end || bytes[k] == lf { cell = cell.dropLast() }
          cells.append(trim(cell))
          j = k
        }
        // Past the field: a comma starts the next one, anything else ends the record.
        while j < end, bytes[j] != comma, bytes[j] != lf { j += 1 }
        if j < end, bytes[j] == comma {
          j += 1
          continue
        }
        if j < end { j += 1 }
        line += 1
        break
      }
      i = j
      if let error {
        rows.append(CSVRow(line: start, cells: [], error: error))
      } else {
        rows.append(CSVRow(line: start, cells: cells))
      }
    }
    return rows
  }

  private static func skipBlanks(_ s: ArraySlice<UInt8>, from index: Int) -> Int {
    var i = index
    while i < s.endIndex, s[i] == UInt8(ascii: " ") || s[i] == UInt8(ascii: "\t") { i += 1 }
    return i
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
