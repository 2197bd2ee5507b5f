import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One Pascal VOC annotation file: the image size and its boxes.
public struct PascalVOCAnnotation: Sendable, Equatable {
    public struct Object: Sendable, Equatable {
        public var name: String
        public var difficult: Bool
        /// VOC's `occluded`: written always (0 unless set), as ModelArts and VOC tools expect it.
        public var occluded: Bool
        public var confidence: Double?
        public var xmin: Int32
        public var ymin: Int32
        public var xmax: Int32
        public var ymax: Int32

        public init(
            name: String, difficult: Bool = false, occluded: Bool = false, confidence: Double? = nil, xmin: Int32, ymin: Int32,
            xmax: Int32, ymax: Int32
        ) {
            self.name = name
            self.difficult = difficult
            self.occluded = occluded
            self.confidence = confidence
            self.xmin = xmin
            self.ymin = ymin
            self.xmax = xmax
            self.ymax = ymax
        }
    }

    public var filename: String
    public var width: UInt32
    public var height: UInt32
    public var depth: UInt32
    public var objects: [Object]

    public init(filename: String, width: UInt32, height: UInt32, depth: UInt32, objects: [Object]) {
        self.filename = filename
        self.width = width
        self.height = height
        self.depth = depth
        self.objects = objects
    }

    /// Parses VOC XML; throws a message naming what is missing or malformed.
    ///
    /// The bytes must be UTF-8: Foundation's XMLParser traps on an element name that is not
    /// (found by Fuzz/FuzzPascalVOC), so anything else is refused before it is parsed.
    public static func parse(_ data: Data) throws(InterchangeError) -> PascalVOCAnnotation {
        guard String(data: data, encoding: .utf8) != nil else {
            throw .badVOC(reason: "the file is not UTF-8")
        }
        let delegate = VOCParser()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else {
            throw .badVOC(reason: parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed XML")
        }
        return try delegate.result()
    }

    /// VOC XML with a fixed element order and number format: the same annotation always
    /// gives the same bytes.
    public func xml() -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = "<annotation>\n"
        out += "\t<folder>images</folder>\n\t<filename>\(escape(filename))</filename>\n"
        out += "\t<size>\n\t\t<width>\(width)</width>\n\t\t<height>\(height)</height>\n\t\t<depth>\(depth)</depth>\n\t</size>\n"
        out += "\t<segmented>0</segmented>\n"
        for object in objects {
            out += "\t<object>\n\t\t<name>\(escape(object.name))</name>\n\t\t<pose>Unspecified</pose>\n"
            out += "\t\t<truncated>0</truncated>\n\t\t<occluded>\(object.occluded ? 1 : 0)</occluded>\n"
            out += "\t\t<difficult>\(object.difficult ? 1 : 0)</difficult>\n"
            if let confidence = object.confidence { out += "\t\t<confidence>\(formatScore(confidence))</confidence>\n" }
            out += "\t\t<bndbox>\n\t\t\t<xmin>\(object.xmin)</xmin>\n\t\t\t<ymin>\(object.ymin)</ymin>\n"
            out += "\t\t\t<xmax>\(object.xmax)</xmax>\n\t\t\t<ymax>\(object.ymax)</ymax>\n\t\t</bndbox>\n\t</object>\n"
        }
        out += "</annotation>\n"
        return out
    }
}

/// Scores as text: up to 6 decimals, no trailing zeros, so output is stable.
func formatScore(_ value: Double) -> String {
    var text = String(format: "%.6f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}

/// SAX collection of the few VOC elements we read.
private final class VOCParser: NSObject, XMLParserDelegate {
    private var path: [String] = []
    private var text = ""
    private var filename = ""
    private var size: [String: String] = [:]
    private var objects: [PascalVOCAnnotation.Object] = []
    private var current: [String: String] = [:]
    private var failure: String?

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        path.append(element)
        text = ""
        if element == "object" { current = [:] }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parent = path.dropLast().last ?? ""
        switch (parent, element) {
        case ("annotation", "filename"): filename = value
        case ("size", _): size[element] = value
        case ("object", "name"), ("object", "difficult"), ("object", "occluded"), ("object", "confidence"): current[element] = value
        case ("bndbox", _): current[element] = value
        case (_, "object"):
            func coordinate(_ key: String) -> Int32? {
                // Not a number, infinite or beyond Int32 (e.g. 1e20, nan): not a coordinate.
                guard let raw = current[key], let number = Double(raw) else { return nil }
                return Int32(exactly: number.rounded())
            }
            if let name = current["name"], let x1 = coordinate("xmin"), let y1 = coordinate("ymin"),
                let x2 = coordinate("xmax"), let y2 = coordinate("ymax")
            {
                objects.append(.init(
                    name: name, difficult: current["difficult"] == "1", occluded: current["occluded"] == "1", confidence: current["confidence"].flatMap(Double.init),
                    xmin: x1, ymin: y1, xmax: x2, ymax: y2))
            } else if failure == nil {
                failure = "object \(objects.count + 1) lacks a name or a numeric bndbox"
            }
        default: break
        }
        path.removeLast()
        text = ""
    }

    func result() throws(InterchangeError) -> PascalVOCAnnotation {
        if let failure { throw .badVOC(reason: failure) }
        guard let width = size["width"].flatMap(UInt32.init), let height = size["height"].flatMap(UInt32.init) else {
            throw .badVOC(reason: "size/width and size/height are required")
        }
        return PascalVOCAnnotation(
            filename: filename, width: width, height: height, depth: size["depth"].flatMap(UInt32.init) ?? 3, objects: objects)
    }
}
