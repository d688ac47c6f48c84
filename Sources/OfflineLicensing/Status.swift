import COlic

// The C enum is the status type of the whole core: parsers and checks throw it
// (typed throws, no strings, no existentials), the exports return it as is.
extension olic_status: @retroactive Error {}
