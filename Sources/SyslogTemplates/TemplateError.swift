/// A template that could not be compiled.
public struct TemplateError: Error, CustomStringConvertible, Equatable {
    /// What is wrong, e.g. `Invalid macro reference, missing '}'`.
    public var message: String
    /// Byte offset in the template text where the faulty construct starts.
    public var offset: Int

    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// `message at offset N`.
    public var description: String { "\(message) at offset \(offset)" }
}
