import Foundation
import Testing
import TestSupport
@testable import Projections

/// The audit index's number formatting is `String(format: "%.Nf")`, exactly.
@Suite struct FixedDecimalTests {
    @Test func equals_printf_on_seeded_random_and_edge_values() {
        var rng = SeededGenerator(seed: 5)
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 0.0005, 0.0015, 0.9995, 1e-9, -1e-9, 123_456.789, 0.1 + 0.2, 99.95, 1e13, .nan, .infinity]
        for _ in 0..<20_000 { values.append(Double.random(in: -2...2, using: &rng)) }
        for _ in 0..<2_000 { values.append(Double(Int.random(in: 0...2_000, using: &rng)) / 1000 + 0.0005) }
        for value in values {
            for places in [0, 1, 3, 4] {
                #expect(FixedDecimal.text(value, places: places) == String(format: "%.\(places)f", value), "\(value) \(places)")
            }
        }
    }
}
