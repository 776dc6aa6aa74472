import SyslogConfig
import SyslogCore

extension Daemon {
    /// SIGHUP: parse the new file first (a bad one keeps the old configuration running), hand
    /// destination queues over by persist name, start the new configuration, and revert to the
    /// old one if the new one fails to initialise. Never aborts.
    func reload() {
        InternalLog.shared.notice("Configuration reload request received, reloading configuration")
        guard let (oldConfig, oldPipeline) = current else { return }
        let newConfig: ConfigFile
        do {
            newConfig = try loader.load(path: options.configFile)
        } catch {
            InternalLog.shared.error(error.description)
            InternalLog.shared.error("Error parsing configuration", [("filename", options.configFile)])
            return
        }
        for w in newConfig.warnings { InternalLog.shared.warning(w) }
        let newPipeline: Pipeline
        switch build(newConfig) {
        case .failure(let f):
            InternalLog.shared.error(f.text)
            InternalLog.shared.error("Error parsing configuration", [("filename", options.configFile)])
            pruneQueues(keeping: oldPipeline)
            return
        case .success(let p):
            newPipeline = p
        }
        let carried = Set(newPipeline.destinations.map { $0.spec.persistName })
        oldPipeline.stopSources()
        for d in oldPipeline.destinations {
            // Queues the new configuration adopts keep their messages; others are written out.
            d.stop(drain: !carried.contains(d.spec.persistName))
        }
        do {
            try newPipeline.initialize()
        } catch {
            InternalLog.shared.error(error.message, error.pairs)
            InternalLog.shared.error("Error initializing new configuration, reverting to old config")
            revert(to: oldConfig)
            return
        }
        newPipeline.start()
        current = (newConfig, newPipeline)
        publishStats(newPipeline)
        pruneQueues(keeping: newPipeline)
        InternalLog.shared.notice("Configuration reload finished")
    }

    /// Rebuilds and restarts the previous configuration (new driver instances, same queues).
    private func revert(to config: ConfigFile) {
        switch build(config) {
        case .success(let p):
            do {
                try p.initialize()
                p.start()
                current = (config, p)
                publishStats(p)
                pruneQueues(keeping: p)
                InternalLog.shared.notice("Configuration reverted to the previous one")
            } catch {
                InternalLog.shared.error("Error re-initializing the previous configuration", [("error", error.description)])
                current = nil
            }
        case .failure(let f):
            InternalLog.shared.error("Error re-initializing the previous configuration", [("error", f.text)])
            current = nil
        }
    }
}
