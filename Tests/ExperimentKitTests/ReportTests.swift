import Foundation
import Testing
@testable import ExperimentKit

@Suite struct ReportTests {
    /// Two feature types × two seeds, plus a run whose name needs escaping.
    func runs() throws -> URL {
        let root = try makeTemporaryDirectory("exp-report")
        for (index, (features, correct)) in [("mfcc", (8, 6)), ("mfcc", (9, 8)), ("logmel", (6, 6)),
                                             ("logmel", (7, 5))].enumerated() {
            try CompareFixtures.write(.init(features: features, seed: index % 2 + 1, correct: correct,
                                            minute: index), under: root)
        }
        try CompareFixtures.write(.init(name: "a<b>&c'd", features: "mfcc", seed: 3, status: .running),
                                  under: root)
        return root
    }

    func report(_ root: URL) throws -> String {
        var options = ReportOptions()
        options.title = "SER <sweep> & friends"
        options.compare.sort = ["-test.uar"]
        return try HTMLReport.render([root], options: options).html
    }

    @Test func isSelfContainedWithOneSVGPerChart() throws {
        let root = try runs()
        defer { try? FileManager.default.removeItem(at: root) }
        let html = try report(root)
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<script src") && !html.contains("<link") && !html.contains("@import"))
        // 4 learning curves + 1 F1 bar chart + 4 confusion matrices + 1 spread chart.
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 10)
        #expect(html.components(separatedBy: "</svg>").count - 1 == 10)
        #expect(html.contains("<title>SER &lt;sweep&gt; &amp; friends</title>"))
        #expect(html.contains("a&lt;b&gt;&amp;c&#39;d/"))
        #expect(!html.contains("a<b>"))
        #expect(html.contains("features.type=mfcc: 0.7750 ± 0.1061 (n=2)"))
        #expect(html.contains("<th>test.uar</th>"))
    }

    @Test func axisTicksAreRoundMultiples() {
        #expect(SVGChart.ticks(1, 2) == [1, 1.2, 1.4, 1.6, 1.8, 2])
        #expect(SVGChart.ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(SVGChart.ticks(2.03, 2.11) == [2.04, 2.06, 2.08, 2.1])
        #expect(SVGChart.ticks(1, 30) == [10, 20, 30])
        #expect(HTMLText.escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
    }

    /// Renders the report in headless Chromium: screenshot and DOM (charts present, no script errors).
    @Test func rendersInHeadlessChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            let message = "Chromium is not installed: this check needs it. Install it with "
                + "`apt-get install -y chromium` (Debian/Ubuntu; `make test` does this as root), then rerun."
            Issue.record(Comment(rawValue: message))
            return
        }
        let root = try runs()
        defer { try? FileManager.default.removeItem(at: root) }
        let page = root.appendingPathComponent("report.html")
        try HTMLReport.write([root], options: ReportOptions(), to: page)
        let screenshot = root.appendingPathComponent("report.png")
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                      "--hide-scrollbars", "--user-data-dir=\(root.appendingPathComponent("profile").path)"]
        _ = try Self.run(chromium, common + ["--window-size=1280,2400", "--screenshot=\(screenshot.path)",
                                             page.absoluteString])
        let attributes = try FileManager.default.attributesOfItem(atPath: screenshot.path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let png = try Data(contentsOf: screenshot)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // A blank 1280×2400 page compresses to a few KB; curves, heatmaps and text take far more.
        #expect(size > 40_000, "screenshot is only \(size) bytes")
        let (dom, log) = try Self.run(chromium, common + ["--dump-dom", page.absoluteString])
        #expect(dom.contains("data-charts=\"10\""), "DOM: \(dom.prefix(400))")
        #expect(dom.contains("<body data-charts=\"10\">"), "an error handler set data-script-errors on <body>")
        #expect(dom.contains("<polyline") && dom.contains("class=\"cell\"") && dom.contains("class=\"bar\""))
        #expect(!log.contains("Uncaught"), "console: \(log)")
    }

    /// Runs `tool` with `arguments`, returning stdout and stderr; fails when it exits non-zero.
    static func run(_ tool: String, _ arguments: [String]) throws -> (String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: err, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(tool) failed: \(stderr)")
        return (String(decoding: out, as: UTF8.self), stderr)
    }
}
