import CustomLayerPlugin
import ExpCommands
import ExperimentKit

await ExpCLI.main(registries: .withCustomLayerPlugin)
