#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
import SyslogPythonRuntime

/// The text of a successful evaluation, or "error: …".
private func eval(_ expression: String) -> String {
    switch PythonRuntime.evaluate(expression) {
    case .success(let s): return s
    case .failure(let e): return "error: " + e.message
    }
}

/// Runs each body on its own new pthread (not a Swift concurrency thread), all at once, and
/// waits for them. Returns false when they did not all finish within `timeout` seconds (the
/// late threads are then left alone).
private func onPthreads(timeout: Double = 30, _ bodies: [@Sendable () -> Void]) -> Bool {
    final class Box {
        let body: @Sendable () -> Void
        let done = Atomic<Bool>(false)
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var started: [(pthread_t, Box)] = []
    for body in bodies {
        let box = Box(body)
        let raw = Unmanaged.passRetained(box).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            let b = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
            b.body()
            b.done.store(true, ordering: .sequentiallyConsistent)
            return nil
        }, raw)
        if rc == 0 {
            started.append((thread, box))
        } else {
            Unmanaged<Box>.fromOpaque(raw).release()
        }
    }
    var waited = 0.0
    while !started.allSatisfy({ $0.1.done.load(ordering: .sequentiallyConsistent) }) {
        if waited > timeout {
            for (t, _) in started { pthread_detach(t) }
            return false
        }
        usleep(2000)
        waited += 0.002
    }
    for (t, _) in started { pthread_join(t, nil) }
    return started.count == bodies.count
}

private func onPthread(_ body: @escaping @Sendable () -> Void) -> Bool {
    onPthreads([body])
}

@Suite("Embedded Python runtime", .serialized)
struct PythonRuntimeTests {
    @Test("evaluates an expression to its str()")
    func evaluate() throws {
        #expect(try PythonRuntime.evaluate("1+1").get() == "2")
        #expect(eval("'a' * 3") == "aaa")
        #expect(eval("[1, 'x', None]") == "[1, 'x', None]")
        #expect(eval("2 ** 100") == "1267650600228229401496703205376")
    }

    @Test("a syntax error is a failure naming SyntaxError")
    func syntaxError() {
        let r = PythonRuntime.evaluate("1 +")
        guard case .failure(let e) = r else {
            Issue.record("expected a failure, got \(r)")
            return
        }
        #expect(e.message.hasPrefix("SyntaxError"))
        #expect(e.description == e.message)
    }

    @Test("exceptions carry their type and message", arguments: [
        ("1/0", "ZeroDivisionError: division by zero"),
        ("undefined_name_xyz", "NameError: name 'undefined_name_xyz' is not defined"),
        ("int('x')", "ValueError: invalid literal for int() with base 10: 'x'"),
    ])
    func exceptions(expression: String, expected: String) {
        #expect(eval(expression) == "error: " + expected)
    }

    @Test("the interpreter still works after an error")
    func recoversAfterError() {
        _ = PythonRuntime.evaluate("1/0")
        #expect(eval("6*7") == "42")
    }

    @Test("the linked library is Python 3.11")
    func version() {
        #expect(PythonRuntime.libraryVersion.hasPrefix("3.11"))
        #expect(eval("__import__('sys').version_info[:2]") == "(3, 11)")
        #expect(eval("__import__('sys').version") == PythonRuntime.libraryVersion)
    }

    @Test("initialize is idempotent")
    func initializeTwice() throws {
        try PythonRuntime.initialize()
        try PythonRuntime.initialize()
        #expect(eval("1") == "1")
    }

    @Test("Python.attach works from another pthread while this thread does not hold the GIL")
    func gilFromOtherThread() {
        try? PythonRuntime.initialize()
        let result = Mutex<String?>(nil)
        let finished = onPthread {
            let text = Python.attach { _ in eval("sum(range(10))") }
            result.withLock { $0 = text }
        }
        #expect(finished, "the other thread could not take the GIL")
        #expect(result.withLock { $0 } == "45")
    }

    @Test("several pthreads evaluate at the same time, taking turns with the GIL")
    func manyThreads() {
        try? PythonRuntime.initialize()
        let results = Mutex<[String]>([])
        let finished = onPthreads((0..<4).map { i in
            { @Sendable in
                for _ in 0..<20 {
                    let text = eval("str(\(i) * 10 + len([x for x in range(100)]))")
                    results.withLock { $0.append(text) }
                }
            }
        })
        #expect(finished)
        let got = results.withLock { $0 }
        #expect(got.count == 80)
        #expect(Set(got) == ["100", "110", "120", "130"])
    }

    @Test("initialize does not install Python's signal handlers (install_signal_handlers = 0)")
    func noSignalHandlers() {
        try? PythonRuntime.initialize()
        // With install_signal_handlers = 1, start-up imports _signal and takes over SIGINT.
        #expect(eval("'_signal' in __import__('sys').modules") == "False")
        #expect(sigintDisposition() == "SIG_DFL")

        // Importing `signal` later is another matter: CPython's signal module installs its
        // SIGINT handler on import whenever SIGINT is at SIG_DFL, whatever the config said.
        // (The daemon keeps SIGINT blocked in every thread and sigwaits for it, so that handler
        // never runs there.)
        let sig = "__import__('signal')"
        #expect(eval("\(sig).getsignal(\(sig).SIGINT) is \(sig).default_int_handler") == "True")
        #expect(sigintDisposition() == "handler")
        // signal.signal() only works on the thread that initialised Python, so put the default
        // back at the OS level for the rest of this process.
        _ = signal(SIGINT, SIG_DFL)
        #expect(sigintDisposition() == "SIG_DFL")
    }

    @Test("concurrent first use initialises the interpreter once")
    func concurrentFirstUse() {
        // Only meaningful as the first use of Python in the process.
        let results = Mutex<[String]>([])
        let finished = onPthreads([
            { let r = eval("1+1"); results.withLock { $0.append(r) } },
            { let r = eval("2+2"); results.withLock { $0.append(r) } },
        ])
        #expect(finished)
        #expect(results.withLock { $0.sorted() } == ["2", "4"])
    }
}

/// The process-level disposition of SIGINT: SIG_DFL, SIG_IGN or handler.
private func sigintDisposition() -> String {
    var current = sigaction()
    guard sigaction(SIGINT, nil, &current) == 0 else { return "error" }
    guard let h = current.__sigaction_handler.sa_handler else { return "SIG_DFL" }
    return unsafeBitCast(h, to: Int.self) == 1 ? "SIG_IGN" : "handler"
}
