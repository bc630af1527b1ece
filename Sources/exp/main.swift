import ExpCommands
import ExperimentKit

await ExpCLI.main(registries: .builtins)
