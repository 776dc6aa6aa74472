/// The names of the builtin macros, for code outside templates (e.g. Python's
/// `LogMessage.keys()` and macro reads through `msg["DATE"]`).
public enum MacroNames {
    /// Every builtin macro name, date macros with their `R_`/`S_`/`C_` forms.
    public static var all: [String] { MacroTable.all.map(\.name) }

    /// True for a builtin macro (`DATE`, `PRI`, …); false for name-value pair names. `MSG`,
    /// `MESSAGE` and `FULLHOST` are aliases of stored values, not macros.
    public static func isMacro(_ name: String) -> Bool {
        guard name != "MSG" && name != "MESSAGE" && name != "FULLHOST" else { return false }
        if case .value = MacroTable.resolve(name) { return false }
        return true
    }
}
