import Testing
@testable import ExperimentKit

/// The spec's `metrics:` list: what reports show, and what early stopping and the plateau schedule may monitor.
@Suite struct MetricSelectionTests {
    func messages(_ yaml: String) -> [String] {
        specMessages {
            _ = try ExperimentSpec(tree: node("data: {root: x}\n" + yaml), file: "t.yaml", registries: .builtins, classCount: 4)
        }
    }

    @Test func unknownMetricNamesAreRejectedWithASuggestion() {
        #expect(messages("metrics: [uar, acuracy]\n") == [
            "t.yaml:2:16: metrics[1].type: unknown metric type 'acuracy'. Known metric types: accuracy, loss, macro_f1, uar. Did you mean 'accuracy'?",
        ])
    }

    @Test func earlyStoppingMayOnlyMonitorAReportedMetric() {
        #expect(messages("metrics: [accuracy]\ntraining: {early_stopping: {monitor: val_uar, patience: 3}}\n") == [
            "t.yaml:3:38: training.early_stopping.monitor: val_uar is not reported: 'uar' is not in metrics (accuracy). "
                + "Add it to metrics or monitor one of: val_loss, val_accuracy. Received: monitor=val_uar",
        ])
        // The default monitor (val_uar) is checked too, at the early_stopping mapping that implies it.
        #expect(messages("metrics: [macro_f1]\ntraining: {early_stopping: {patience: 3}}\n") == [
            "t.yaml:3:28: training.early_stopping.monitor: val_uar is not reported: 'uar' is not in metrics (macro_f1). "
                + "Add it to metrics or monitor one of: val_loss, val_macro_f1. Received: monitor=val_uar",
        ])
        #expect(messages("metrics: [accuracy, uar]\ntraining: {early_stopping: {monitor: val_uar}}\n").isEmpty)
        // Loss is always reported, so val_loss needs no selection.
        #expect(messages("metrics: []\ntraining: {early_stopping: {monitor: val_loss}}\n").isEmpty)
    }

    @Test func thePlateauScheduleMayOnlyMonitorAReportedMetric() {
        #expect(messages("metrics: [uar]\nschedule: {type: reduce_on_plateau, monitor: val_macro_f1}\n") == [
            "t.yaml:3:46: schedule.monitor: val_macro_f1 is not reported: 'macro_f1' is not in metrics (uar). "
                + "Add it to metrics or monitor one of: val_loss, val_uar. Received: monitor=val_macro_f1",
        ])
        #expect(messages("metrics: []\nschedule: {type: reduce_on_plateau}\n").isEmpty)
    }

    @Test func bothMonitorsAreReportedTogetherWithOtherErrors() {
        let found = messages("metrics: [accuracy]\ntraining: {epochs: 5, early_stopping: {monitor: val_uar}}\n"
            + "schedule: {type: reduce_on_plateau, monitor: val_macro_f1}\nseed: -1\n")
        #expect(found.count == 3, "\(found)")
        #expect(found.contains { $0.hasPrefix("t.yaml:5:7: seed: seed must be >= 0") })
        #expect(found.contains { $0.hasPrefix("t.yaml:3:49: training.early_stopping.monitor: val_uar is not reported") })
        #expect(found.contains { $0.hasPrefix("t.yaml:4:46: schedule.monitor: val_macro_f1 is not reported") })
    }

    @Test func selectionPutsLossFirstKeepsSpecOrderAndDropsRepeats() {
        let selection = MetricSelection([.uar, .accuracy, .uar, .loss])
        #expect(selection.kinds == [.loss, .uar, .accuracy])
        #expect(selection.monitors == ["val_loss", "val_uar", "val_accuracy"])
        let summary = MetricSummary(loss: 1.25, accuracy: 0.5, uar: 0.375, macroF1: 0.25)
        #expect(selection.describe(summary) == "loss 1.2500 uar 0.3750 acc 0.5000")
        let epoch = EpochMetrics(epoch: 3, learningRate: 0.001, train: summary, validation: summary, seconds: 2,
                                 computeSeconds: 1)
        #expect(selection.epochLine(epoch, epochs: 10)
            == "epoch 3/10 loss 1.2500 uar 0.3750 acc 0.5000 | val loss 1.2500 uar 0.3750 acc 0.5000 lr 0.001 (2.0s)")
        #expect(MetricSelection([]).describe(summary) == "loss 1.2500")
    }

    @Test func theTestLineShowsTheSelectionAndTheTablesStay() {
        let metrics = ClassificationMetrics(truth: [0, 0, 1, 1], predicted: [0, 1, 1, 1], classNames: ["calm", "sad"], loss: 0.5)
        let lines = RunReport.table(metrics, selection: MetricSelection([.macroF1]))
        #expect(lines[0] == "test       loss 0.5000  f1 0.7333  (4 clips)")
        #expect(lines.contains("confusion matrix (rows = truth, columns = prediction)"))
        #expect(lines.contains { $0.hasPrefix("calm") && $0.contains("0.5000") })
    }

    @Test func aRunsSelectionIsReadFromItsResolvedSpec() {
        #expect(RunReport.metricSelection(specYAML: "name: x\nmetrics:\n- {type: uar}\n- type: macro_f1\n").kinds
            == [.loss, .uar, .macroF1])
        #expect(RunReport.metricSelection(specYAML: "name: x\nmetrics: [accuracy]\n").kinds == [.loss, .accuracy])
        #expect(RunReport.metricSelection(specYAML: "name: x\n") == .all)
    }
}
