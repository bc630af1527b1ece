import ArgumentParser
import ExperimentKit

extension ComponentKind: ExpressibleByArgument {}

extension Exp {
    /// `exp components [KIND]`: the registered component types with their options, types and defaults.
    struct Components: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List registered component types with their options, types and defaults."
        )

        @Argument(help: "Only this kind: \(ComponentKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var kind: ComponentKind?

        func run() {
            print(CatalogListing.render(RegistryScope.current, kinds: kind.map { [$0] } ?? ComponentKind.allCases), terminator: "")
        }
    }
}
