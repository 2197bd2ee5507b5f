import Dispatch
import LabelingDomain
import Synchronization

/// The built-in image classifier for active learning: multinomial logistic
/// regression (L2) on standardised rows (``ImageFeatures``, with ``SpectralEmbedding``
/// coordinates appended by ``ActiveLearningPipeline`` in `accurate` mode), optional self-training, and
/// confidence calibrated by temperature scaling on held-out folds.
///
/// - `fast`: trains on the labeled samples only.
/// - `accurate`: also self-trains: unlabeled samples the current model predicts with
///   probability ≥ ``Configuration/selfTrainingThreshold`` join the training set with
///   their predicted class, for up to ``Configuration/selfTrainingRounds`` rounds.
///
/// Held-out predictions come from stratified k-fold cross-validation of the labeled
/// samples (in `accurate` mode each fold self-trains from its own labeled part, so no
/// pseudo-label has seen the held-out labels): they
/// calibrate the temperature and let ``HardExampleDetector`` choose its thresholds.
///
/// Invariant: for equal inputs and seed the result is identical (no clock, no global
/// randomness, full-batch deterministic optimisation).
///
/// ```swift
/// let classifier = BuiltInClassifier(configuration: .init(seed: 42))
/// let trained = try classifier.train(labeled: rows, labels: y, classCount: 10, unlabeled: others, algorithm: .accurate)
/// let p = trained.predict(others[0])
/// ```
public struct BuiltInClassifier: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var seed: UInt64
        public var folds: Int
        /// scikit-learn's `C`: the L2 penalty is `1 / (C · n)` on the mean loss.
        public var inverseRegularization: Float
        public var iterations: Int
        public var selfTrainingThreshold: Double
        public var selfTrainingRounds: Int

        public init(
            seed: UInt64 = 0x5EED, folds: Int = 5, inverseRegularization: Float = 1, iterations: Int = 120,
            selfTrainingThreshold: Double = 0.8, selfTrainingRounds: Int = 4
        ) {
            self.seed = seed
            self.folds = folds
            self.inverseRegularization = inverseRegularization
            self.iterations = iterations
            self.selfTrainingThreshold = selfTrainingThreshold
            self.selfTrainingRounds = selfTrainingRounds
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration = .init()) { self.configuration = configuration }

    /// Trains on standardised rows.
    /// - Parameters:
    ///   - labels: class indices in `0..<classCount`, one per labeled row.
    ///   - labeledWeights: each labeled row's weight in the loss (nil: all 1; pseudo-labels weigh 1);
    ///     confirmed hard examples weigh more (``ActiveLearningPipeline/hardExampleWeight``).
    ///   - shouldStop: polled during training; when it returns true, training throws `CancellationError`.
    /// - Throws: ``AutoLabelingError/notEnoughTrainingData(reason:)`` with fewer than two classes
    ///   present; `CancellationError` when stopped.
    public func train(
        labeled: [[Float]], labels: [Int], classCount: Int, unlabeled: [[Float]], algorithm: AutoLabelAlgorithm,
        labeledWeights: [Float]? = nil, shouldStop: @Sendable () -> Bool = { false }
    ) throws -> TrainedClassifier {
        precondition(labeledWeights.map { $0.count == labels.count && $0.allSatisfy { $0 > 0 } } ?? true)
        let labeledWeights = labeledWeights ?? [Float](repeating: 1, count: labels.count)
        let present = Set(labels)
        guard present.count >= 2, classCount >= 2 else {
            throw AutoLabelingError.notEnoughTrainingData(reason: "labeled samples cover \(present.count) class(es), need 2")
        }
        let dimension = labeled[0].count
        // `weights` covers the first rows (the labeled ones); rows after them (pseudo-labels) weigh 1.
        @Sendable func fitted(
            _ rows: [[Float]], _ y: [Int], weights: [Float], from start: LogisticRegression? = nil, iterations: Int? = nil
        ) throws -> LogisticRegression {
            var model = start ?? LogisticRegression(classes: classCount, dimension: dimension)
            let l2 = 1 / (configuration.inverseRegularization * Float(rows.count))
            let sampleWeights = weights + [Float](repeating: 1, count: rows.count - weights.count)
            model.fit(
                rows: rows, labels: y, sampleWeights: sampleWeights, l2: l2, iterations: iterations ?? configuration.iterations,
                shouldStop: shouldStop)
            if shouldStop() { throw CancellationError() }
            return model
        }

        // Held-out predictions: stratified folds of the labeled rows.
        var generator = SplitMix64(seed: configuration.seed)
        var assignment = [Int](repeating: 0, count: labels.count)
        for c in present.sorted() {
            var members = labels.indices.filter { labels[$0] == c }
            members.shuffle(using: &generator)
            for (k, i) in members.enumerated() { assignment[i] = k % configuration.folds }
        }
        let fold = assignment
        let folds = (0..<configuration.folds).filter { f in
            labels.indices.contains { fold[$0] == f } && Set(labels.indices.filter { fold[$0] != f }.map { labels[$0] }).count >= 2
        }

        // The final model and the fold models are independent fits from the same inputs: they
        // run side by side on the machine's cores (job 0: the final model; job k: fold k - 1).
        // Each draws nothing random, so the result is the same whatever the order they run in.
        struct FinalFit: Sendable {
            var model: LogisticRegression
            var pseudo: [(row: Int, label: Int)]
            var rounds: Int
        }
        struct FoldFit: Sendable {
            var model: LogisticRegression
            var heldOutLogits: [(row: Int, logits: [Float])]
        }
        enum Fit: Sendable {
            case final(FinalFit)
            case fold(FoldFit)
        }
        // Self-training's pseudo-labels: the unlabeled rows `model` puts in one class with at
        // least the threshold's probability, with that class.
        @Sendable func confident(_ model: LogisticRegression) -> [(row: Int, label: Int)] {
            unlabeled.indices.compactMap { i in
                let p = LogisticRegression.softmax(model.logits(unlabeled[i]))
                let top = p.indices.max { p[$0] < p[$1] }!
                return p[top] >= configuration.selfTrainingThreshold ? (i, top) : nil
            }
        }
        @Sendable func fitFinal() throws -> FinalFit {
            // Self-training (accurate): pseudo-labels from the current model, recomputed each round.
            var model = try fitted(labeled, labels, weights: labeledWeights)
            var pseudo: [(row: Int, label: Int)] = []
            var rounds = 0
            if algorithm == .accurate, !unlabeled.isEmpty {
                for _ in 0..<configuration.selfTrainingRounds {
                    let next = confident(model)
                    rounds += 1
                    let changed = next.count != pseudo.count || zip(next, pseudo).contains { $0 != $1 }
                    pseudo = next
                    if !changed { break }
                    model = try fitted(
                        labeled + pseudo.map { unlabeled[$0.row] }, labels + pseudo.map(\.label), weights: labeledWeights,
                        from: model, iterations: configuration.iterations / 2)
                }
            }
            return FinalFit(model: model, pseudo: pseudo, rounds: rounds)
        }
        @Sendable func fitFold(_ f: Int) throws -> FoldFit {
            let train = labels.indices.filter { fold[$0] != f }, test = labels.indices.filter { fold[$0] == f }
            let trainRows = train.map { labeled[$0] }, trainLabels = train.map { labels[$0] }
            let trainWeights = train.map { labeledWeights[$0] }
            var foldModel = try fitted(trainRows, trainLabels, weights: trainWeights)
            if algorithm == .accurate, !unlabeled.isEmpty {
                // The fold's own self-training: pseudo-labels that never saw the held-out labels,
                // so the held-out predictions stay honest (slightly pessimistic: fewer rounds).
                for _ in 0..<2 {
                    let foldPseudo = confident(foldModel)
                    foldModel = try fitted(
                        trainRows + foldPseudo.map { unlabeled[$0.row] }, trainLabels + foldPseudo.map(\.label),
                        weights: trainWeights, from: foldModel, iterations: configuration.iterations / 2)
                }
            }
            return FoldFit(model: foldModel, heldOutLogits: test.map { ($0, foldModel.logits(labeled[$0])) })
        }
        let fits = Mutex<[Int: Result<Fit, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: 1 + folds.count) { job in
            let result = Result<Fit, any Error> { job == 0 ? .final(try fitFinal()) : .fold(try fitFold(folds[job - 1])) }
            fits.withLock { $0[job] = result }
        }
        let results = fits.withLock { $0 }
        guard case .final(let final) = try results[0]!.get() else { preconditionFailure("job 0 is the final model") }
        let (model, pseudo, rounds) = (final.model, final.pseudo, final.rounds)
        var heldOutLogits = [[Float]](repeating: [], count: labels.count)
        var committee: [LogisticRegression] = []
        for job in 1..<(1 + folds.count) {
            guard case .fold(let fit) = try results[job]!.get() else { preconditionFailure("job \(job) is a fold") }
            for (row, logits) in fit.heldOutLogits { heldOutLogits[row] = logits }
            committee.append(fit.model)
        }
        let evaluated = labels.indices.filter { !heldOutLogits[$0].isEmpty }
        let temperature = TemperatureScaling.fit(
            logits: evaluated.map { heldOutLogits[$0] }, labels: evaluated.map { labels[$0] })
        let heldOut = evaluated.map { i in
            HeldOutPrediction(
                labeledIndex: i, trueClass: labels[i],
                prediction: ClassPrediction(probabilities: LogisticRegression.softmax(heldOutLogits[i], temperature: temperature)))
        }
        let heldOutAccuracy = heldOut.isEmpty
            ? 0 : Double(heldOut.filter { $0.prediction.topClass == $0.trueClass }.count) / Double(heldOut.count)
        let metrics: [String: Double] = [
            "labeled_samples": Double(labels.count), "classes": Double(present.count),
            "pseudo_labeled_samples": Double(pseudo.count), "self_training_rounds": Double(rounds),
            "temperature": Double(temperature), "held_out_accuracy": heldOutAccuracy,
            "held_out_samples": Double(heldOut.count),
        ]
        return TrainedClassifier(
            model: model, temperature: temperature, heldOut: heldOut, folds: fold, pseudoLabeled: pseudo.map(\.row),
            committee: committee, metrics: metrics)
    }
}

/// A class-probability vector with its top class, confidence and top-2 margin.
///
/// Invariant: every probability is in [``scoreEpsilon``, 1 − ``scoreEpsilon``]: a model's
/// calibrated probability is never exactly 0 or 1 (a softmax saturates in floating point, and
/// no finite amount of evidence makes a label certain), so no auto label shows a score of 1.
public struct ClassPrediction: Sendable, Equatable {
    /// How far every model probability stays from 0 and 1; the API shows scores to six
    /// decimals, so the highest a model's label shows is 0.999999.
    public static let scoreEpsilon = 1e-6

    /// `probability` moved into [``scoreEpsilon``, 1 − ``scoreEpsilon``] (for models' confidences).
    public static func bounded(_ probability: Double) -> Double {
        min(1 - scoreEpsilon, max(scoreEpsilon, probability))
    }

    public var probabilities: [Double]
    public var topClass: Int
    /// Probability of the top class: the auto label's score.
    public var confidence: Double
    /// Top probability minus the second one.
    public var margin: Double

    public init(probabilities: [Double]) {
        let probabilities = probabilities.map(Self.bounded)
        self.probabilities = probabilities
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        topClass = order[0]
        confidence = probabilities[order[0]]
        margin = probabilities[order[0]] - (order.count > 1 ? probabilities[order[1]] : 0)
    }
}

/// A cross-validated prediction of one labeled sample.
public struct HeldOutPrediction: Sendable, Equatable {
    public var labeledIndex: Int
    public var trueClass: Int
    public var prediction: ClassPrediction
}

/// The result of ``BuiltInClassifier/train(labeled:labels:classCount:unlabeled:algorithm:shouldStop:)``.
public struct TrainedClassifier: Sendable {
    public var model: LogisticRegression
    public var temperature: Float
    public var heldOut: [HeldOutPrediction]
    /// The cross-validation fold of each labeled row (its held-out prediction came from a model that never saw it).
    public var folds: [Int]
    /// Indices into the unlabeled rows used as pseudo-labels (accurate mode).
    public var pseudoLabeled: [Int]
    /// The cross-validation fold models (each trained without one fold of the labels, in `accurate`
    /// mode with its own self-training): a committee whose members saw different labeled samples.
    /// Their held-out logits fitted ``temperature``, so their scaled probabilities are calibrated
    /// on data they never saw.
    public var committee: [LogisticRegression]
    /// Training metrics, recorded in the task's `TaskTrainingFinished` event.
    public var metrics: [String: Double]

    /// The calibrated prediction of one standardised row.
    public func predict(_ row: [Float]) -> ClassPrediction {
        calibrated(model, row)
    }

    /// Each committee member's calibrated prediction of one standardised row (empty without a committee).
    public func committeePredictions(_ row: [Float]) -> [ClassPrediction] {
        committee.map { calibrated($0, row) }
    }

    private func calibrated(_ member: LogisticRegression, _ row: [Float]) -> ClassPrediction {
        ClassPrediction(probabilities: LogisticRegression.softmax(member.logits(row), temperature: temperature))
    }
}
