internal import CPython
import SyslogPythonRuntime

/// Builds CPython heap types and method tables from Swift `@convention(c)` functions. The
/// tables are allocated once and live for the process (CPython keeps pointers into them).
enum TypeBuilder {
    typealias Unary = @convention(c) (PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr?
    typealias VarargsKw = @convention(c) (PyObjectPtr?, PyObjectPtr?, PyObjectPtr?) -> PyObjectPtr?
    typealias Fast = @convention(c) (PyObjectPtr?, UnsafePointer<PyObjectPtr?>?, Py_ssize_t) -> PyObjectPtr?
    typealias FastKw = @convention(c) (PyObjectPtr?, UnsafePointer<PyObjectPtr?>?, Py_ssize_t, PyObjectPtr?) -> PyObjectPtr?

    static let methO: Int32 = 0x0008
    static let methNoArgs: Int32 = 0x0004
    static let methVarargs: Int32 = 0x0001
    static let methKeywords: Int32 = 0x0002
    static let methStatic: Int32 = 0x0020
    static let methFastcall: Int32 = 0x0080

    static let flagBaseType: UInt = 1 << 10
    static let flagDefault: UInt = 1 << 18
    /// Py_TPFLAGS_IMMUTABLETYPE: attributes cannot be set on the type (as on a static C type);
    /// also lets the interpreter specialise calls of the type.
    static let flagImmutableType: UInt = 1 << 8

    /// A method entry.
    enum Method {
        case o(String, Unary)
        case noArgs(String, Unary)
        case varargsKw(String, VarargsKw, isStatic: Bool = false)
        case fastKw(String, FastKw)
    }

    /// A NUL-terminated copy that lives forever.
    static func cString(_ s: String) -> UnsafePointer<CChar> {
        UnsafePointer(strdupForever(s))
    }

    private static func strdupForever(_ s: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(s.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        p.initialize(from: utf8, count: utf8.count)
        return p
    }

    /// A permanent, NULL-terminated PyMethodDef table.
    static func methodTable(_ methods: [Method]) -> UnsafeMutablePointer<PyMethodDef> {
        let table = UnsafeMutablePointer<PyMethodDef>.allocate(capacity: methods.count + 1)
        for (i, m) in methods.enumerated() {
            let def: PyMethodDef
            switch m {
            case .o(let name, let f):
                def = PyMethodDef(ml_name: cString(name), ml_meth: f, ml_flags: methO, ml_doc: nil)
            case .noArgs(let name, let f):
                def = PyMethodDef(ml_name: cString(name), ml_meth: f, ml_flags: methNoArgs, ml_doc: nil)
            case .varargsKw(let name, let f, let isStatic):
                def = PyMethodDef(ml_name: cString(name), ml_meth: unsafeBitCast(f, to: PyCFunction.self),
                                  ml_flags: methVarargs | methKeywords | (isStatic ? methStatic : 0), ml_doc: nil)
            case .fastKw(let name, let f):
                def = PyMethodDef(ml_name: cString(name), ml_meth: unsafeBitCast(f, to: PyCFunction.self),
                                  ml_flags: methFastcall | methKeywords, ml_doc: nil)
            }
            (table + i).initialize(to: def)
        }
        (table + methods.count).initialize(to: PyMethodDef(ml_name: nil, ml_meth: nil, ml_flags: 0, ml_doc: nil))
        return table
    }

    /// Creates a heap type `module.Name` from slots; nil with a Python exception set on failure.
    static func makeType(name: String, basicSize: Int, flags: UInt, slots: [(Int32, UnsafeMutableRawPointer?)],
                         base: PyObjectPtr? = nil) -> PyObjectPtr? {
        let slotTable = UnsafeMutablePointer<PyType_Slot>.allocate(capacity: slots.count + 1)
        for (i, s) in slots.enumerated() {
            (slotTable + i).initialize(to: PyType_Slot(slot: s.0, pfunc: s.1))
        }
        (slotTable + slots.count).initialize(to: PyType_Slot(slot: 0, pfunc: nil))
        let spec = UnsafeMutablePointer<PyType_Spec>.allocate(capacity: 1)
        spec.initialize(to: PyType_Spec(name: cString(name), basicsize: Int32(basicSize), itemsize: 0,
                                        flags: UInt32(flags), slots: slotTable))
        if let base {
            return PyType_FromSpecWithBases(spec, base)
        }
        return PyType_FromSpec(spec)
    }

    static func raw<F>(_ f: F) -> UnsafeMutableRawPointer {
        unsafeBitCast(f, to: UnsafeMutableRawPointer.self)
    }
}
